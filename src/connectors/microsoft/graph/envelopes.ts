import type { InboundEnvelope } from '../../../core/events.ts'
import type { IntegrationId } from '../../../core/model/ids.ts'
import { chatMessageToIncoming } from './from-graph.ts'
import {
  changeKey,
  chatAddress,
  type ChatMessageRef,
  createdKey,
  digest,
  parseChatMessageResource,
} from './ids.ts'
import type { OpenedNotification } from './notification-auth.ts'
import { type ChatMessage, chatMessage } from './wire.ts'

/**
 * Authenticated notifications → envelopes. Rich `created` items become `message.created`; other
 * message items become `message.notified` (the worker fetches the current state, as Graph
 * advises: "GET calls will always return the current state of the message"); lifecycle items
 * become `subscription.lifecycle`. Items about resources we never subscribe to are skipped.
 */
export function toEnvelopes(
  integrationId: IntegrationId,
  notifications: readonly OpenedNotification[],
  now: Date,
): InboundEnvelope[] {
  const envelopes: InboundEnvelope[] = []
  for (const opened of notifications) {
    const envelope = opened.item.lifecycleEvent
      ? lifecycleEnvelope(integrationId, opened, now)
      : messageEnvelope(integrationId, opened, now)
    if (envelope) envelopes.push(envelope)
  }
  return envelopes
}

function lifecycleEnvelope(
  integrationId: IntegrationId,
  { item }: OpenedNotification,
  now: Date,
): InboundEnvelope | undefined {
  const lifecycle = item.lifecycleEvent
  if (!lifecycle) return undefined
  return {
    // Graph repeats reauthorizationRequired until acted on; a renewal changes the expiry.
    dedupeKey: `graph-lifecycle:${item.subscriptionId}:${lifecycle}:${item.subscriptionExpirationDateTime ?? ''}:${item.id ?? ''}`,
    address: {
      kind: 'microsoft-teams',
      integrationId,
      key: `graph-subscription:${item.subscriptionId}`,
      data: { transport: 'graph', subscriptionId: item.subscriptionId },
    },
    occurredAt: now.toISOString(),
    event: { type: 'subscription.lifecycle', subscriptionId: item.subscriptionId, lifecycle },
  }
}

function messageEnvelope(
  integrationId: IntegrationId,
  opened: OpenedNotification,
  now: Date,
): InboundEnvelope | undefined {
  const { item } = opened
  const ref = item.resource ? parseChatMessageResource(item.resource) : undefined
  if (!ref || !item.resource) return undefined
  const changeType = item.changeType ?? 'updated'
  const message = opened.resource === undefined ? undefined : decrypted(opened.resource, ref)
  const versionOf = () =>
    (message && (message.etag ?? message.lastModifiedDateTime)) ??
    item.resourceData?.['@odata.etag'] ??
    item.id ??
    digest(item)

  if (changeType === 'created' && message) {
    const incoming = chatMessageToIncoming(message, item.tenantId ?? undefined)
    if (!incoming) return undefined
    return {
      dedupeKey: createdKey(ref),
      address: chatAddress(integrationId, ref.chatId),
      occurredAt: isoOr(message.createdDateTime, now),
      event: { type: 'message.created', message: incoming },
    }
  }
  return {
    // The version (and the digest standing in for one) only matters for updates and deletions.
    dedupeKey: changeType === 'created' ? createdKey(ref) : changeKey(ref, changeType, versionOf()),
    address: chatAddress(integrationId, ref.chatId),
    occurredAt: isoOr(message?.lastModifiedDateTime, now),
    event: { type: 'message.notified', resource: item.resource, changeType },
  }
}

function decrypted(resource: unknown, ref: ChatMessageRef): ChatMessage | undefined {
  const result = chatMessage.safeParse(resource)
  // Content that does not describe the notified message is not used.
  return result.success && result.data.id === ref.messageId ? result.data : undefined
}

function isoOr(value: string | null | undefined, fallback: Date): string {
  const ms = value ? Date.parse(value) : Number.NaN
  return isoString(Number.isNaN(ms) ? fallback.getTime() : ms)
}

/** The last time formatted: webhooks received in the same millisecond share it. */
let lastFormatted = { ms: Number.NaN, iso: '' }
function isoString(ms: number): string {
  if (ms !== lastFormatted.ms) lastFormatted = { ms, iso: new Date(ms).toISOString() }
  return lastFormatted.iso
}
