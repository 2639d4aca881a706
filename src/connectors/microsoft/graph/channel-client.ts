import { InvalidInputError } from '../../../core/errors.ts'
import type { InboundEnvelope, IncomingMessage } from '../../../core/events.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { RemoteAddress } from '../../../core/model/remote-address.ts'
import type {
  Capabilities,
  ChannelClient,
  OutgoingMessage,
  Resyncing,
  SendContext,
  Sent,
  SubscriptionKeeping,
} from '../../../core/ports/connector.ts'
import type { SubscriptionRepository } from '../../../core/ports/store.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { httpAuth } from '../identity/index.ts'
import { createGraphClient, type GraphClient, type GraphTokens } from './client.ts'
import { downloadAttachment } from './download.ts'
import { isGraphEcho } from './echo.ts'
import { chatMessageToIncoming } from './from-graph.ts'
import { chatAddress, chatIdOf, parseChatMessageResource } from './ids.ts'
import { settingsOf } from './settings-of.ts'
import { createSubscriptionKeeper } from './subscriptions.ts'
import { toGraphMessages } from './to-graph.ts'

export interface GraphChannelOptions {
  readonly integration: Integration
  readonly deps: ConnectorDeps
  readonly subscriptions: SubscriptionRepository
  readonly tokens: GraphTokens
}

export type GraphChannelClient = ChannelClient & SubscriptionKeeping & Resyncing

/** Parts of a split message already posted, so a retry posts only the rest. */
export const PROGRESS_NAMESPACE = 'graph-send-progress'

export const graphCapabilities: Capabilities = {
  // Longer text is split into several Teams messages (see to-graph.ts).
  text: { format: 'markdown', maxLength: 12_000 },
  // Attachments are sent as links to their signed URLs, so any size the blob store holds.
  attachments: { maxBytes: 100 * 1024 * 1024 },
  typing: false,
  receipts: false,
}

/**
 * The Teams side over Graph for one integration: sends as the delegated service account, reads
 * and subscribes with the app's own token, keeps subscriptions alive and catches up after gaps.
 * Builds no connection up front.
 */
export function createGraphChannelClient(options: GraphChannelOptions): GraphChannelClient {
  const { integration, deps } = options
  const settings = settingsOf(integration)
  const graph: GraphClient = createGraphClient(settings, deps.http, options.tokens)
  const keeper = createSubscriptionKeeper({ ...options, graph })
  const address = (chatId: string) => chatAddress(integration.id, chatId)
  const downloads = { ...deps, appAuth: httpAuth(options.tokens.app) }

  return {
    capabilities: graphCapabilities,

    async send(to: RemoteAddress, message: OutgoingMessage, ctx: SendContext): Promise<Sent> {
      const chatId = chatIdOf(to)
      const parts = toGraphMessages(message.content)
      if (parts.length === 0) throw new InvalidInputError('nothing to send')
      const progressKey = `${integration.id}:${ctx.idempotencyKey}`
      const done = parts.length > 1 ? await sentParts(deps, progressKey) : []
      for (const [index, part] of parts.slice(done.length).entries()) {
        // Graph's POST takes no idempotency key: after an interrupted attempt, look before posting.
        const earlier =
          ctx.resend && index === 0
            ? await findPosted(graph, settings, chatId, part, deps, ctx.signal)
            : undefined
        const sent = earlier ?? (await graph.sendMessage(chatId, part, ctx.signal))
        done.push(sent.id)
        if (parts.length > 1) await deps.state.put(PROGRESS_NAMESPACE, progressKey, done)
      }
      if (parts.length > 1) await deps.state.delete(PROGRESS_NAMESPACE, progressKey)
      return { remoteMessageId: done[0] ?? '' }
    },

    isOwnEcho: (sender) => isGraphEcho(settings, sender),

    async fetchMessage(at, resource, ctx): Promise<IncomingMessage | undefined> {
      const ref = parseChatMessageResource(resource)
      if (!ref) throw new InvalidInputError('not a chat message resource')
      const message = await graph.getMessage(ref, ctx.signal)
      return message && chatMessageToIncoming(message, settings.tenantId)
    },

    download: (url, ctx) =>
      downloadAttachment(settings, downloads, url, { maxBytes: ctx.maxBytes, signal: ctx.signal }),

    keepSubscriptions: (now, ctx) => keeper.keep(now, ctx.signal),

    async onLifecycle(subscriptionId, lifecycle, ctx) {
      const chats = await keeper.onLifecycle({ subscriptionId, lifecycle }, ctx.signal)
      return chats.map(address)
    },

    watchedAddresses: async () => (await keeper.watchedChats()).map(address),

    catchUp: (at, ctx) => keeper.catchUp(chatIdOf(at), ctx.signal),

    commitCatchUp: (at, envelopes: readonly InboundEnvelope[]) =>
      keeper.commitCursor(chatIdOf(at), envelopes),
  }
}

async function sentParts(deps: ConnectorDeps, key: string): Promise<string[]> {
  const value = await deps.state.get(PROGRESS_NAMESPACE, key)
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

const RESEND_LOOKBACK_MS = 60 * 60 * 1000
const RESEND_SCAN_LIMIT = 100

const visibleText = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

/** A message the service account already posted with this body in the last hour, if any. */
async function findPosted(
  graph: GraphClient,
  settings: ReturnType<typeof settingsOf>,
  chatId: string,
  part: { body: { content: string } },
  deps: ConnectorDeps,
  signal?: AbortSignal,
): Promise<{ id: string } | undefined> {
  const account = settings.serviceAccount?.userId
  if (!account) return undefined
  const wanted = visibleText(part.body.content)
  const since = new Date(deps.clock.nowMs() - RESEND_LOOKBACK_MS)
  let scanned = 0
  for await (const message of graph.messagesModifiedSince(chatId, since, signal)) {
    if (++scanned > RESEND_SCAN_LIMIT) break
    if (message.from?.user?.id === account && visibleText(message.body?.content ?? '') === wanted) {
      deps.log.info(
        { chatId, messageId: message.id },
        'interrupted send had reached Teams: not posting again',
      )
      return { id: message.id }
    }
  }
  return undefined
}
