import type { ResourceChange } from '../state/changes.ts'
import { messageODataPath } from '../state/chat-message.ts'
import type { Subscription } from '../state/subscriptions.ts'
import { encryptResource } from './encrypt.ts'

/** `resource` + `resourceData` of a change, in the casing Graph uses for each resource type. */
function describe(change: ResourceChange): {
  resource: string
  resourceData: Record<string, unknown>
  content: unknown
} {
  if (change.resource === 'chatMessage') {
    const path = messageODataPath(change.container, change.message)
    return {
      resource: path,
      resourceData: {
        id: change.message.id,
        '@odata.type': '#Microsoft.Graph.chatMessage',
        '@odata.id': path,
      },
      content: change.message,
    }
  }
  if (change.resource === 'mailMessage') {
    const path = `Users/${change.userId}/Messages/${change.message.id}`
    return {
      resource: path,
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': path,
        '@odata.etag': change.message['@odata.etag'],
        id: change.message.id,
      },
      content: change.message,
    }
  }
  const path = `communications/presences/${change.userId}`
  return {
    resource: path,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.presence',
      '@odata.id': path,
      id: change.userId,
    },
    content: { '@odata.type': '#Microsoft.Graph.presence', ...change.presence },
  }
}

/**
 * Rich Outlook notifications carry only the `$select`ed properties, never the body
 * (https://learn.microsoft.com/graph/outlook-change-notifications-overview).
 */
function selected(content: unknown, select: string[] | null): unknown {
  if (!select || typeof content !== 'object' || content === null) return content
  const source = content as Record<string, unknown>
  return Object.fromEntries(
    Object.keys(source)
      .filter((k) => select.some((s) => s.toLowerCase() === k.toLowerCase()))
      .map((k) => [k, source[k]]),
  )
}

/** One item of a changeNotificationCollection (https://learn.microsoft.com/graph/api/resources/changenotification). */
export function changeNotification(
  sub: Subscription,
  change: ResourceChange,
): Record<string, unknown> {
  const { resource, resourceData, content } = describe(change)
  const item: Record<string, unknown> = {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString(),
    changeType: change.changeType,
    resource,
    resourceData,
    clientState: sub.clientState,
    tenantId: sub.tenantId,
  }
  if (sub.includeResourceData && sub.certificate && sub.encryptionCertificateId) {
    const select = sub.target.kind === 'mail' ? sub.target.select : null
    item.encryptedContent = encryptResource(
      selected(content, select),
      sub.certificate,
      sub.encryptionCertificateId,
    )
  }
  return item
}

/** A lifecycle notification: no resource, just the event (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). */
export function lifecycleNotification(
  sub: Subscription,
  lifecycleEvent: LifecycleEvent,
): Record<string, unknown> {
  return {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: new Date(sub.expirationMs).toISOString(),
    tenantId: sub.tenantId,
    clientState: sub.clientState,
    lifecycleEvent,
  }
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'
