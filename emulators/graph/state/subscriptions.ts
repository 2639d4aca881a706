import type { X509Certificate } from 'node:crypto'

import type { SubscriptionTarget } from '../notifications/resource-targets.ts'

/** The stored subscription; `json()` renders what the API returns. */
export interface Subscription {
  readonly id: string
  readonly resource: string
  readonly target: SubscriptionTarget
  readonly changeTypes: ReadonlySet<string>
  readonly changeType: string
  readonly applicationId: string
  readonly creatorId: string
  readonly tenantId: string
  /** The delegated user the subscription was created for, if any. */
  readonly userId: string | undefined
  notificationUrl: string
  readonly lifecycleNotificationUrl: string | null
  readonly clientState: string | null
  expirationMs: number
  readonly includeResourceData: boolean
  readonly certificate: X509Certificate | null
  readonly encryptionCertificateId: string | null
  readonly latestSupportedTlsVersion: string
  readonly notificationUrlAppId: string | null
  /** Set once a reauthorizationRequired was sent for the current expiration. */
  reauthorizationSentForMs: number | undefined
}

export function subscriptionJson(sub: Subscription, baseUrl: string): Record<string, unknown> {
  return {
    '@odata.context': `${baseUrl}/$metadata#subscriptions/$entity`,
    id: sub.id,
    resource: sub.resource,
    applicationId: sub.applicationId,
    changeType: sub.changeType,
    clientState: sub.clientState,
    notificationUrl: sub.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: sub.lifecycleNotificationUrl,
    expirationDateTime: new Date(sub.expirationMs).toISOString(),
    creatorId: sub.creatorId,
    includeResourceData: sub.includeResourceData,
    latestSupportedTlsVersion: sub.latestSupportedTlsVersion,
    // The certificate is write-only: responses carry only its id
    // (https://learn.microsoft.com/graph/change-notifications-with-resource-data).
    encryptionCertificate: null,
    encryptionCertificateId: sub.encryptionCertificateId,
    notificationUrlAppId: sub.notificationUrlAppId,
    notificationContentType: null,
  }
}

export class SubscriptionStore {
  readonly #byId = new Map<string, Subscription>()

  add(sub: Subscription): void {
    this.#byId.set(sub.id, sub)
  }

  get(id: string): Subscription | undefined {
    return this.#byId.get(id)
  }

  remove(id: string): boolean {
    return this.#byId.delete(id)
  }

  list(): Subscription[] {
    return [...this.#byId.values()]
  }
}
