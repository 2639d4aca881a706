import { PolicyRefusedError, RemoteRejectedError } from '../../../core/errors.ts'
import type { ReceiptStatus } from '../../../core/events.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { BackendIdentity, Participant } from '../../../core/model/participant.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type {
  BackendClient,
  Capabilities,
  OutgoingMessage,
  SendContext,
  Sent,
} from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import type { HttpResponse } from '../../shared/http.ts'
import { createGenesysTokenSource } from '../auth/token.ts'
import { genesysSettingsOf } from '../settings.ts'
import { downloadAgentAttachment } from './download.ts'
import { addressFor, identify, identityOf } from './identity.ts'
import { toInboundMessages, toInboundReceipt, toInboundTyping } from './to-genesys.ts'
import { inboundResponse } from './wire.ts'

/**
 * 300 requests per minute per client-credentials token (`token.rate.per.minute`,
 * https://developer.genesys.cloud/organization/organization/limits#platform-api). The app
 * configures the `genesys` rate-key prefix with this budget.
 */
export const genesysRateBudget = { limit: 300, intervalMs: 60_000 } as const
export const genesysRateKey = (clientId: string) => `genesys:${clientId}`

/** "Genesys Cloud permits sending and receiving attachments up to 25 MB" (help center, supported content profiles). */
const maxAttachmentBytes = 25 * 1024 * 1024

/** Progress of a message split into parts, so a retry does not resend the parts that arrived. */
const partsNamespace = 'genesys-open-messaging.parts'

type InboundKind = 'message' | 'event' | 'receipt'

/**
 * The Open Messaging client of one integration. Builds no connection and fetches no token until
 * the first call. Inbound messages are not marked idempotent: Genesys does not document
 * deduplication by `channel.messageId` (its emulator accepts repeats and flags them), so a
 * timeout after sending surfaces as RemoteAmbiguousError for the flow to decide.
 */
export function createOpenMessagingClient(
  integration: Integration,
  deps: ConnectorDeps,
): BackendClient {
  const settings = genesysSettingsOf(integration)
  const auth = createGenesysTokenSource(settings, deps)
  const rateKey = genesysRateKey(settings.clientId)
  const base = `${settings.apiBaseUrl.replace(/\/+$/, '')}/api/v2/conversations/messages/${encodeURIComponent(settings.openMessagingIntegrationId)}/inbound/open`

  const post = (kind: InboundKind, json: unknown, ctx: SendContext, idempotent: boolean) =>
    deps.http.request({
      method: 'POST',
      url: `${base}/${kind}`,
      json,
      auth,
      rateKey,
      idempotent,
      ...(ctx.signal && { signal: ctx.signal }),
    })

  /** The freshest identity: the sender's, when it is the customer this address belongs to. */
  const identityFor = (to: RemoteAddress, sender?: Participant): BackendIdentity => {
    if (sender?.role === 'customer') {
      try {
        const fresh = identify(sender)
        if (fresh.id === to.key) return fresh
      } catch {
        // a sender without ids: fall back to the identity stored with the address
      }
    }
    return identityOf(to)
  }

  const capabilities: Capabilities = {
    // Agents read the text as typed; markdown stays readable as plain text.
    text: { format: 'markdown', maxLength: settings.maxTextLength },
    attachments: { maxBytes: maxAttachmentBytes },
    typing: true,
    receipts: true,
  }

  return {
    capabilities,

    async send(to: RemoteAddress, message: OutgoingMessage, ctx: SendContext): Promise<Sent> {
      const identity = identityFor(to, message.sender)
      const requests = toInboundMessages(
        message,
        identity,
        ctx.idempotencyKey,
        settings.maxTextLength,
      )
      if (requests.length === 0)
        throw new PolicyRefusedError('message has no text and no attachment')
      let remoteMessageId = ''
      for (const request of requests) {
        const partKey = `${integration.id}:${request.channel.messageId}`
        const done =
          requests.length > 1 ? await deps.state.get<string>(partsNamespace, partKey) : undefined
        if (done) {
          remoteMessageId = done
          continue
        }
        const answer = await post('message', request, ctx, false)
        remoteMessageId = genesysId(answer) ?? request.channel.messageId
        if (requests.length > 1) await deps.state.put(partsNamespace, partKey, remoteMessageId)
      }
      if (requests.length > 1) {
        for (const request of requests) {
          await deps.state.delete(partsNamespace, `${integration.id}:${request.channel.messageId}`)
        }
      }
      ctx.log.debug({ parts: requests.length, remoteMessageId }, 'delivered to genesys')
      return { remoteMessageId }
    },

    async sendTyping(to: RemoteAddress, ctx: SendContext): Promise<void> {
      await post('event', toInboundTyping(identityOf(to), deps.clock.now()), ctx, true)
    },

    async sendReceipt(
      to: RemoteAddress,
      remoteMessageId: string,
      status: ReceiptStatus,
      reason: string | undefined,
      ctx: SendContext,
    ): Promise<void> {
      const receipt = toInboundReceipt(
        identityOf(to),
        remoteMessageId,
        status,
        reason,
        deps.clock.now(),
      )
      if (!receipt) return
      // A receipt repeated is harmless, so it may be retried after a timeout.
      const answer = inboundResponse.safeParse((await post('receipt', receipt, ctx, true)).json())
      // The answer is itself a receipt that echoes ours; a different status, or UnknownMessage,
      // means Genesys did not accept it (gildas/go-gcloudcx SendInboundReceipt).
      if (!answer.success) return
      const codes = (answer.data.reasons ?? []).map((r) => r.code ?? 'unknown')
      if (answer.data.status !== receipt.status || codes.includes('UnknownMessage')) {
        throw new RemoteRejectedError('Genesys refused the receipt', {
          details: { reasons: codes },
        })
      }
    },

    identify: (participant, channel) => identify(participant, channel),
    addressFor: (identity) => addressFor(integration.id, identity),

    download: (url, ctx) => downloadAgentAttachment(url, ctx, settings, deps),
  }
}

/**
 * The Genesys message id from an inbound answer (`OpenMessageNormalizedMessage.id`); receipts
 * and agent replies refer to it. A 2xx without one was still accepted, so it is not an error.
 */
function genesysId(response: HttpResponse): string | undefined {
  try {
    const parsed = inboundResponse.safeParse(response.json())
    return parsed.success ? parsed.data.id : undefined
  } catch {
    return undefined
  }
}
