import { randomBytes } from 'node:crypto'

import { type AadError, aadsts } from './aadsts.ts'

export interface IdentityApp {
  appId: string
  secret: string
  tenantId: string
  /** ms epoch; after it the secret fails with AADSTS7000222. */
  secretExpiresAt?: number
  /** Registered redirect URIs for the auth-code flow (exact match, as Entra). Default none. */
  redirectUris?: string[]
  /** Application permissions granted (admin-consented) per resource, e.g. Graph `Chat.Read.All`. */
  appRoles?: Record<string, string[]>
  /** Single-tenant apps only get tokens in their home tenant. Default `AzureADMultipleOrgs`. */
  signInAudience?: 'AzureADMyOrg' | 'AzureADMultipleOrgs'
}

export interface IdentityUser {
  /** Entra object id. */
  id: string
  tenantId: string
  upn: string
  displayName: string
}

/**
 * The tenant behind `login.microsoftonline.com/botframework.com`: Bot Framework tokens carry
 * `iss: https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/`
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication).
 */
export const BOTFRAMEWORK_TENANT_ID = 'd6d49420-f39b-4df7-a1dc-d59a935871db'

/** Tenant path segments that name no tenant. */
export const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations', 'consumers'])

/** Apps, users and tenants of the emulated directory. */
export class Directory {
  readonly apps = new Map<string, IdentityApp>()
  readonly users = new Map<string, IdentityUser>()
  /** tenant id or verified domain → tenant id */
  readonly #tenants = new Map<string, string>([
    [BOTFRAMEWORK_TENANT_ID, BOTFRAMEWORK_TENANT_ID],
    ['botframework.com', BOTFRAMEWORK_TENANT_ID],
  ])

  addTenant(tenantId: string, domains: readonly string[] = []): void {
    this.#tenants.set(tenantId.toLowerCase(), tenantId)
    for (const domain of domains) this.#tenants.set(domain.toLowerCase(), tenantId)
  }

  addApp(app: IdentityApp): void {
    this.addTenant(app.tenantId)
    this.apps.set(app.appId, { ...app, redirectUris: [...(app.redirectUris ?? [])] })
  }

  addUser(user: IdentityUser): void {
    const domain = user.upn.split('@')[1]
    this.addTenant(user.tenantId, domain ? [domain] : [])
    this.users.set(user.id, { ...user })
  }

  /** Tenant id for a path segment (id or domain); `undefined` when unknown. */
  tenantId(segment: string): string | undefined {
    return this.#tenants.get(segment.toLowerCase())
  }

  userByUpn(upn: string): IdentityUser | undefined {
    const wanted = upn.toLowerCase()
    return [...this.users.values()].find((u) => u.upn.toLowerCase() === wanted)
  }

  /** The app as seen from `tenantId`, or the AADSTS error Entra gives. */
  appInTenant(appId: string, tenantId: string, tenantSegment: string): IdentityApp | AadError {
    const app = this.apps.get(appId)
    if (!app) return aadsts.appNotFound(appId, tenantSegment)
    const home = app.tenantId === tenantId
    if (!home && app.signInAudience === 'AzureADMyOrg')
      return aadsts.appNotFound(appId, tenantSegment)
    return app
  }

  /** Checks the client secret against the app's current one. */
  checkSecret(app: IdentityApp, secret: string | undefined, nowMs: number): AadError | undefined {
    if (!secret) return aadsts.missingSecret()
    if (secret !== app.secret) return aadsts.invalidSecret(app.appId)
    if (app.secretExpiresAt !== undefined && app.secretExpiresAt <= nowMs)
      return aadsts.expiredSecret(app.appId)
    return undefined
  }

  /** Replaces the secret; the old one fails from now on (AADSTS7000215). */
  rotateSecret(appId: string, expiresAt?: number): string {
    const app = this.#app(appId)
    app.secret = `${randomBytes(3).toString('hex')}~${randomBytes(24).toString('base64url')}`
    app.secretExpiresAt = expiresAt
    return app.secret
  }

  expireSecret(appId: string, atMs: number): void {
    this.#app(appId).secretExpiresAt = atMs
  }

  #app(appId: string): IdentityApp {
    const app = this.apps.get(appId)
    if (!app) throw new Error(`unknown app ${appId}`)
    return app
  }
}

export const isAadError = (value: unknown): value is AadError =>
  typeof value === 'object' && value !== null && 'code' in value && 'error' in value
