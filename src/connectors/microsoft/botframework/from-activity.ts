import type { InboundEnvelope, IncomingMessage } from '../../../core/events.ts'
import type { IntegrationId } from '../../../core/model/ids.ts'
import type { Attachment } from '../../../core/model/message.ts'
import type { Participant } from '../../../core/model/participant.ts'
import { attachmentKind } from '../../../core/policies/attachments.ts'
import { safeFileName } from '../../shared/safe-file-name.ts'
import { mediaTypeOf } from '../graph/attachments.ts'
import { stripControl } from '../graph/teams-html.ts'
import { type Activity, type ActivityAttachment, tenantOf } from './activity.ts'
import { referenceOf } from './conversation-reference.ts'
import { activityText } from './teams-text.ts'

/** Teams' personal-chat file attachment (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4). */
const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info'

export const dedupeKeyOf = (activity: Activity) => `botframework:${activity.id}`

const GROUP_CONVERSATIONS = new Set(['groupChat', 'channel'])

/**
 * One activity as core envelopes: `message` → message.created, `typing` → typing; other types
 * (conversationUpdate, messageReaction, invoke, installationUpdate …) give none, and the
 * webhook still answers 2xx, as the SDK does for unhandled events. With `groupMessages:
 * 'mentioned'` a group chat or channel message that does not @mention the bot gives none either.
 */
export function activityToEnvelopes(
  activity: Activity,
  integrationId: IntegrationId,
  receivedAt: Date,
  options: { groupMessages?: 'mentioned' | 'all' } = {},
): InboundEnvelope[] {
  const tenantId = tenantOf(activity)
  const sender = senderOf(activity, tenantId)
  const base = {
    dedupeKey: dedupeKeyOf(activity),
    address: {
      kind: 'microsoft-teams' as const,
      integrationId,
      key: activity.conversation.id,
      data: referenceOf(activity, tenantId),
    },
    occurredAt: activity.timestamp
      ? new Date(activity.timestamp).toISOString()
      : receivedAt.toISOString(),
  }
  if (activity.type === 'typing') {
    return [{ ...base, event: { type: 'typing', participant: sender } }]
  }
  if (activity.type === 'message') {
    const message = messageOf(activity, sender)
    const inGroup = GROUP_CONVERSATIONS.has(activity.conversation.conversationType ?? '')
    if (inGroup && !message.botMentioned && (options.groupMessages ?? 'mentioned') === 'mentioned')
      return []
    return [{ ...base, event: { type: 'message.created', message } }]
  }
  return []
}

function senderOf(activity: Activity, tenantId: string | undefined): Participant {
  const { from } = activity
  return {
    role: from.role === 'bot' ? 'bot' : 'customer',
    displayName: stripControl(from.name ?? ''),
    remoteId: from.id,
    ...(from.aadObjectId ? { aadObjectId: from.aadObjectId } : {}),
    ...(tenantId ? { tenantId } : {}),
  }
}

function messageOf(activity: Activity, sender: Participant): IncomingMessage {
  const text = activityText(activity)
  const attachments = (activity.attachments ?? []).flatMap((a, i) => attachmentOf(a, i))
  const quote = text.quote
  return {
    remoteMessageId: activity.id,
    sender,
    text: text.markdown,
    attachments,
    mentions: text.mentions,
    botMentioned: text.botMentioned,
    ...(quote
      ? {
          replyTo: {
            text: quote.text,
            ...(quote.author ? { author: quote.author } : {}),
            ...(quote.messageId ? { remoteMessageId: quote.messageId } : {}),
          },
        }
      : {}),
  }
}

function attachmentOf(attachment: ActivityAttachment, index: number): Attachment[] {
  const fallback = `file-${index + 1}`
  if (attachment.contentType === FILE_DOWNLOAD_INFO) {
    const content = attachment.content as { downloadUrl?: unknown } | undefined
    if (typeof content?.downloadUrl !== 'string') return []
    const name = safeFileName(attachment.name, fallback)
    const mediaType = mediaTypeOf(name)
    return [{ name, mediaType, url: content.downloadUrl, kind: attachmentKind(mediaType) }]
  }
  // Pasted or uploaded images arrive as `image/*` with a contentUrl the bot token can read.
  if (/^(image|video|audio)\//.test(attachment.contentType) && attachment.contentUrl) {
    const name = safeFileName(attachment.name, fallback)
    const mediaType = attachment.contentType
    return [{ name, mediaType, url: attachment.contentUrl, kind: attachmentKind(mediaType) }]
  }
  // text/html is the body; cards and other types are not content a customer wrote.
  return []
}
