import type { EmulatorContext } from '../context.ts'
import { ControlError } from '../control-error.ts'
import { agentTextBody, type OutboundAttachment, typingBody } from '../outbound/normalized.ts'
import { downloadId, messageId } from '../state/ids.ts'
import type { IntegrationState } from '../state/store.ts'
import type {
  AgentAttachmentInput,
  AgentMessageRef,
  AgentSendInput,
  ConversationRecord,
  ConversationTarget,
} from '../types.ts'

// Agent text limit for the Open API channel (https://help.dev-genesys.cloud/articles/accept-and-respond-to-a-message-interaction).
const AGENT_TEXT_MAX = 4000
// A tiny valid PNG, served when a test does not care about the bytes.
const PLACEHOLDER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

export function findConversation(
  ctx: EmulatorContext,
  target: ConversationTarget,
): ConversationRecord {
  const conversation =
    'conversationId' in target
      ? ctx.state.conversation(target.conversationId)
      : ctx.state.openConversation(target.integrationId, target.toId)
  if (!conversation) throw new ControlError(404, 'no open conversation for this target')
  return conversation
}

function openConversation(ctx: EmulatorContext, target: ConversationTarget) {
  const conversation = findConversation(ctx, target)
  if (conversation.state !== 'connected')
    throw new ControlError(409, `conversation ${conversation.id} is disconnected`)
  const integration = ctx.state.integrations.get(conversation.integrationId)
  if (!integration) throw new ControlError(404, `integration ${conversation.integrationId} is gone`)
  return { conversation, integration }
}

/** `image/*`-style matching against the integration's supported-content profile. */
function mediaAllowed(allow: readonly string[], mime: string): boolean {
  const [type] = mime.split('/')
  return allow.some((rule) => rule === '*/*' || rule === mime || rule === `${type}/*`)
}

function hostAttachment(
  ctx: EmulatorContext,
  integration: IntegrationState,
  input: AgentAttachmentInput,
): OutboundAttachment {
  // "If an outbound message is sent that contains media that is not in this list, the message will
  // not be sent." (media_type_access.py, research §4)
  if (!mediaAllowed(integration.outboundMediaAllow, input.mime))
    throw new ControlError(
      400,
      `outbound media ${input.mime} is not allowed by the content profile`,
    )
  const id = downloadId()
  if (input.url !== undefined)
    return {
      id,
      mediaType: input.mediaType,
      url: input.url,
      mime: input.mime,
      filename: input.filename,
    }
  const bytes =
    input.content === undefined
      ? PLACEHOLDER_PNG
      : typeof input.content === 'string'
        ? Buffer.from(input.content, 'utf8')
        : Buffer.from(input.content)
  ctx.state.downloads.set(id, { bytes, mime: input.mime, filename: input.filename })
  return {
    id,
    mediaType: input.mediaType,
    url: `${ctx.baseUrl()}/api/v2/downloads/${id}`,
    mime: input.mime,
    filename: input.filename,
    contentSizeBytes: bytes.length,
  }
}

/** The agent replies: one signed Outbound Open NormalizedMessage to the integration's webhook. */
export function agentSends(ctx: EmulatorContext, input: AgentSendInput): AgentMessageRef {
  const { conversation, integration } = openConversation(ctx, input)
  const attachments = input.attachments ?? []
  if (input.text !== undefined && [...input.text].length > AGENT_TEXT_MAX)
    throw new ControlError(400, `text longer than ${AGENT_TEXT_MAX} characters`)
  if (!input.text && attachments.length === 0)
    throw new ControlError(400, 'text or an attachment is required')
  // "If contentType = "Attachment" only one item is allowed." (outbound schema, research §3.2)
  if (attachments.length > 1) throw new ControlError(400, 'one attachment per message')
  const attachment = attachments[0] && hostAttachment(ctx, integration, attachments[0])
  const id = messageId()
  const body = agentTextBody({
    id,
    integration,
    conversation,
    time: ctx.clock.now().toISOString(),
    ...(input.text !== undefined && { text: input.text }),
    ...(attachment && { attachment }),
    originatingEntity: input.originatingEntity ?? 'Human',
  })
  return enqueue(ctx, id, conversation, 'Text', body)
}

export function agentTyping(ctx: EmulatorContext, target: ConversationTarget): AgentMessageRef {
  const { conversation, integration } = openConversation(ctx, target)
  const id = messageId()
  const body = typingBody({ id, integration, conversation, time: ctx.clock.now().toISOString() })
  return enqueue(ctx, id, conversation, 'Event', body)
}

/** Genesys posts no webhook when an agent disconnects (research §3.3): only state changes. */
export function disconnect(ctx: EmulatorContext, target: ConversationTarget): ConversationRecord {
  const conversation = findConversation(ctx, target)
  return { ...ctx.state.end(conversation.id, ctx.clock.now())! }
}

function enqueue(
  ctx: EmulatorContext,
  id: string,
  conversation: ConversationRecord,
  kind: 'Text' | 'Event',
  body: Record<string, unknown>,
): AgentMessageRef {
  ctx.webhooks.enqueue({
    messageId: id,
    integrationId: conversation.integrationId,
    conversationId: conversation.id,
    kind,
    body: JSON.stringify(body),
    state: 'pending',
    receipts: [],
  })
  return {
    messageId: id,
    conversationId: conversation.id,
    integrationId: conversation.integrationId,
  }
}
