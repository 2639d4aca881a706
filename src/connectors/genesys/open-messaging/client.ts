import {
  PolicyRefusedError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../../core/errors.ts'
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
import { conversationMemory } from './conversations.ts'
import { downloadAgentAttachment } from './download.ts'
import { addressFor, identify, identityOf } from './identity.ts'
import { markedFirst } from './ids.ts'
import { findLanded } from './landed.ts'
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
export const partsNamespace = 'genesys-open-messaging.parts'

type InboundKind = 'message' | 'event' | 'receipt'

/**
 * How long a resend of a first message waits for Genesys' Published receipt, which names the
 * conversation it landed in: Genesys retries a webhook 5 times 5 s apart, each attempt timing out
 * after 10 s, 85 s in all (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html),
 * plus a few seconds for the receipt's job to run.
 */
export const firstSendEvidenceMs = 90_000
/** The longest a waiting resend asks the queue to wait before looking again. */
const evidencePollMs = 5_000

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
  const apiBase = settings.apiBaseUrl.replace(/\/+$/, '')
  const base = `${apiBase}/api/v2/conversations/messages/${encodeURIComponent(settings.openMessagingIntegrationId)}/inbound/open`
  const conversations = conversationMemory(integration.id, deps)

  // Messages ask for the conversation id ("prefetchConversationId": research §2.4), so the
  // bridge knows where to look when a resend must check whether an earlier attempt landed.
  const post = (kind: InboundKind, json: unknown, ctx: SendContext, idempotent: boolean) =>
    deps.http.request({
      method: 'POST',
      url: kind === 'message' ? `${base}/message?prefetchConversationId=true` : `${base}/${kind}`,
      json,
      auth,
      rateKey,
      idempotent,
      ...(ctx.signal && { signal: ctx.signal }),
    })

  /**
   * A resend: an earlier attempt of this part may have reached Genesys without its answer being
   * recorded (a crash, a timeout). Returns the Genesys id when it did; undefined when it did not
   * (or cannot be known any more: then it is sent again, at least once). Throws a retryable
   * error while a first message's Published receipt may still come.
   */
  const checked = <T>(outcome: 'found' | 'absent' | 'waiting' | 'unverified', result: T): T => {
    deps.metrics.increment('cxb_resend_checks_total', { remote: 'genesys', outcome })
    return result
  }

  const earlierAttempt = async (
    customer: string,
    messageId: string,
    ctx: SendContext,
  ): Promise<string | undefined> => {
    const stored = await conversations.stored(customer)
    const candidates = [messageId, markedFirst(messageId)]
    if (stored.conversationId !== undefined) {
      const landed = await findLanded(
        stored.conversationId,
        candidates,
        { http: deps.http, auth, rateKey, apiBase },
        ctx.signal,
      ).catch((error: unknown) => {
        // A role without the view permission must not hold the customer's messages forever.
        if (!(error instanceof RemoteAuthError)) throw error
        ctx.log.warn(
          { err: error },
          'cannot read the Genesys conversation back (permission conversation:message:view?): sending again, it may show twice',
        )
        return null
      })
      if (landed === null) return checked('unverified', undefined)
      const found = candidates.map((c) => landed?.found.get(c)).find((id) => id !== undefined)
      if (found !== undefined) {
        ctx.log.info(
          { conversationId: stored.conversationId, remoteMessageId: found },
          'interrupted send had reached Genesys: not sending again',
        )
        return checked('found', found)
      }
      if (landed?.open) return checked('absent', undefined)
      // The customer left that conversation: the message may have opened another one that no
      // answer and no marked receipt told the bridge about.
      ctx.log.warn(
        { conversationId: stored.conversationId },
        'interrupted send: its Genesys conversation ended, sending again (it may show twice)',
      )
      return checked('unverified', undefined)
    }
    const first = stored.firstSend
    if (first && candidates.includes(first.messageId)) {
      const waited = deps.clock.nowMs() - first.atMs
      if (waited < firstSendEvidenceMs) {
        checked('waiting', undefined)
        throw new RemoteUnavailableError('waiting for the Genesys receipt of an interrupted send', {
          retryAfterMs: Math.min(evidencePollMs, firstSendEvidenceMs - waited),
        })
      }
      ctx.log.warn(
        { waitedMs: waited },
        'interrupted first send: no Genesys receipt named its conversation, sending again (it may show twice)',
      )
      return checked('unverified', undefined)
    }
    return checked('absent', undefined)
  }

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
      // Only the first part not recorded as sent can have been cut; the later ones never left.
      let uncertain = ctx.resend === true
      let conversationId = await conversations.current(to.key)
      for (const request of requests) {
        const partKey = `${integration.id}:${request.channel.messageId}`
        const done =
          requests.length > 1 ? await deps.state.get<string>(partsNamespace, partKey) : undefined
        if (done) {
          remoteMessageId = done
          continue
        }
        if (uncertain) {
          uncertain = false
          const earlier = await earlierAttempt(to.key, request.channel.messageId, ctx)
          conversationId = (await conversations.stored(to.key)).conversationId
          if (earlier !== undefined) {
            remoteMessageId = earlier
            if (requests.length > 1) await deps.state.put(partsNamespace, partKey, earlier)
            continue
          }
        }
        let outgoing = request
        if (conversationId === undefined) {
          // No conversation known: this message will open one. Marked, so its Published receipt
          // (which names the conversation) gets a job; and when, so a resend knows how long to wait.
          const messageId = markedFirst(request.channel.messageId)
          await conversations.firstSend(to.key, messageId)
          outgoing = { ...request, channel: { ...request.channel, messageId } }
        }
        let response: HttpResponse
        try {
          response = await post('message', outgoing, ctx, false)
        } catch (error) {
          if (outgoing !== request && refused(error)) {
            await conversations.firstSendRefused(to.key, outgoing.channel.messageId)
          }
          throw error
        }
        const answer = inboundAnswer(response)
        remoteMessageId = answer?.id ?? outgoing.channel.messageId
        if (answer?.conversationId !== undefined) {
          await conversations.named(to.key, answer.conversationId)
          conversationId = answer.conversationId
        }
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

    async rememberConversation(to: RemoteAddress, conversationRef: string): Promise<void> {
      await conversations.named(to.key, conversationRef)
    },

    identify: (participant, channel) => identify(participant, channel),
    addressFor: (identity) => addressFor(integration.id, identity),

    download: (url, ctx) => downloadAgentAttachment(url, ctx, settings, deps),
  }
}

/**
 * Genesys answered, and not with acceptance: the message did not land. A timeout after sending
 * (RemoteAmbiguousError), an abort or a status-less failure may have landed.
 */
const refused = (error: unknown): boolean =>
  error instanceof RemoteRejectedError ||
  error instanceof RemoteAuthError ||
  (error instanceof RemoteUnavailableError && error.status !== undefined)

/**
 * The Genesys message id (`OpenMessageNormalizedMessage.id`; receipts and agent replies refer to
 * it) and conversation id from an inbound answer. A 2xx without them was still accepted, so it is
 * not an error.
 */
function inboundAnswer(
  response: HttpResponse,
): { id: string; conversationId?: string } | undefined {
  try {
    const parsed = inboundResponse.safeParse(response.json())
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}
