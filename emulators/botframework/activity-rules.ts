/**
 * Checks a bot-sent activity the way the Teams connector does. Returns the error to answer
 * (`status`, `code`, `message`) or undefined.
 *
 * Size: "The bot message size limit is 100 KB … includes the message itself (text, image links,
 * etc.), @-mentions, and reactions encoded as UTF-16 … doesn't include base64 encoded image";
 * over it Teams answers 413 with code `MessageSizeTooBig`
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
 */
export interface ActivityProblem {
  readonly status: number
  readonly code: string
  readonly message: string
}

/** Activity types a bot may send to Teams through the connector. */
const BOT_ACTIVITY_TYPES = new Set(['message', 'typing', 'event', 'endOfConversation'])
const TEXT_FORMATS = new Set(['plain', 'markdown', 'xml', 'extendedMarkdown'])

const bad = (message: string): ActivityProblem => ({ status: 400, code: 'BadArgument', message })

export function checkBotActivity(
  body: unknown,
  sizeLimitBytes: number,
): ActivityProblem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return bad('The request body is not a valid Activity.')
  const activity = body as Record<string, unknown>
  const type = activity['type']
  if (typeof type !== 'string' || type === '') return bad("Activity is missing the 'type' field.")
  if (!BOT_ACTIVITY_TYPES.has(type)) return bad(`Unknown activity type '${type}'.`)
  const text = activity['text']
  if (text !== undefined && text !== null && typeof text !== 'string')
    return bad("Activity 'text' must be a string.")
  const format = activity['textFormat']
  if (format !== undefined && !TEXT_FORMATS.has(String(format)))
    return bad(`Unknown textFormat '${String(format)}'.`)
  const attachments = activity['attachments']
  if (attachments !== undefined && !Array.isArray(attachments))
    return bad("Activity 'attachments' must be an array.")
  for (const attachment of (attachments as unknown[] | undefined) ?? []) {
    const a = attachment as Record<string, unknown> | null
    if (!a || typeof a['contentType'] !== 'string' || a['contentType'] === '')
      return bad('Every attachment needs a contentType.')
    if (a['content'] === undefined && typeof a['contentUrl'] !== 'string')
      return bad('An attachment needs content or a contentUrl.')
  }
  if (type === 'message') {
    const hasText = typeof text === 'string' && text.trim() !== ''
    const hasAttachments = Array.isArray(attachments) && attachments.length > 0
    if (!hasText && !hasAttachments) return bad('A message activity needs text or attachments.')
  }
  if (messageSize(activity) > sizeLimitBytes)
    return { status: 413, code: 'MessageSizeTooBig', message: 'Message size too large.' }
  return undefined
}

/** UTF-16 size of what Teams counts: text, attachments (without inline base64 data) and entities. */
export function messageSize(activity: Record<string, unknown>): number {
  const counted = JSON.stringify({
    text: activity['text'] ?? '',
    attachments: activity['attachments'] ?? [],
    entities: activity['entities'] ?? [],
  }).replace(/data:[^"]*;base64,[A-Za-z0-9+/=]*/g, '')
  return Buffer.byteLength(counted, 'utf16le')
}
