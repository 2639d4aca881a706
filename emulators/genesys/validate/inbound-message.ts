import type { Limits } from '../context.ts'
import type { FieldProblem } from '../routes/errors.ts'
import type { FromRecipient, InboundAttachment } from '../types.ts'
import { checkTime, isObject, type Json, Problems, unknownKeys } from './check.ts'
import { checkFrom } from './recipient.ts'

export interface ValidInboundMessage {
  readonly from: FromRecipient
  readonly time: string
  readonly channelMessageId?: string
  readonly customAttributes?: Record<string, string>
  readonly text?: string
  readonly content: { contentType: 'Attachment'; attachment: InboundAttachment }[]
  readonly metadata?: Record<string, string>
  /** Fields outside the model that Genesys would silently drop (kept for tests to assert on). */
  readonly ignoredFields: string[]
}

const MEDIA_TYPES = ['Image', 'Video', 'Audio', 'File', 'Link'] as const
const MIME = /^[\w.+-]+\/[\w.+*-]+$/
const SHA256_HEX = /^[0-9a-fA-F]{64}$/
// Legacy fields of the deprecated /inbound/open body that callers still send (research §2.2).
const LEGACY_TOP = ['type', 'direction', 'id']
const LEGACY_CHANNEL = ['platform', 'type', 'to']

function checkAttachment(
  value: unknown,
  field: string,
  problems: Problems,
): InboundAttachment | undefined {
  if (!isObject(value)) {
    problems.add(field, value === undefined ? 'is required' : 'must be an object')
    return undefined
  }
  const mediaType = problems.oneOf(value.mediaType, MEDIA_TYPES, `${field}.mediaType`)
  const url = problems.requiredString(value.url, `${field}.url`)
  if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url))
    problems.add(`${field}.url`, 'must be an absolute http(s) URL')
  const mime = problems.requiredString(value.mime, `${field}.mime`)
  if (mime !== undefined && !MIME.test(mime))
    problems.add(`${field}.mime`, 'must be a media type such as image/png')
  const sha256 = problems.optionalString(value.sha256, `${field}.sha256`)
  if (sha256 !== undefined && !SHA256_HEX.test(sha256))
    problems.add(`${field}.sha256`, 'must be 64 hex characters')
  const filename = problems.optionalString(value.filename, `${field}.filename`)
  const id = problems.optionalString(value.id, `${field}.id`)
  const text = problems.optionalString(value.text, `${field}.text`)
  if (mediaType === undefined || url === undefined || mime === undefined) return undefined
  return {
    mediaType,
    url,
    mime,
    ...(filename !== undefined && { filename }),
    ...(sha256 !== undefined && { sha256 }),
    ...(id !== undefined && { id }),
    ...(text !== undefined && { text }),
  }
}

function checkContent(value: unknown, problems: Problems): ValidInboundMessage['content'] {
  if (value === undefined) return []
  if (!Array.isArray(value)) {
    problems.add('content', 'must be an array')
    return []
  }
  // "If contentType = "Attachment" only one item is allowed." (OpenOutboundNormalizedMessage schema)
  if (value.length > 1) problems.add('content', 'may hold only one Attachment item')
  const content: ValidInboundMessage['content'] = []
  value.forEach((item: unknown, index) => {
    const field = `content[${index}]`
    if (!isObject(item)) return problems.add(field, 'must be an object')
    if (item.contentType !== undefined && item.contentType !== 'Attachment')
      problems.add(`${field}.contentType`, 'must be Attachment on this endpoint')
    const attachment = checkAttachment(item.attachment, `${field}.attachment`, problems)
    if (attachment) content.push({ contentType: 'Attachment', attachment })
  })
  return content
}

function checkChannel(value: unknown, limits: Limits, problems: Problems, ignored: string[]) {
  if (!isObject(value)) {
    problems.add('channel', value === undefined ? 'is required' : 'must be an object')
    return undefined
  }
  problems.legacy(value.platform, 'Open', 'channel.platform')
  problems.legacy(value.type, 'Private', 'channel.type')
  ignored.push(
    ...unknownKeys(value, ['from', 'time', 'messageId', 'metadata', ...LEGACY_CHANNEL], 'channel.'),
  )
  const from = checkFrom(value.from, 'channel.from', problems)
  const time = checkTime(value.time, 'channel.time', problems)
  const channelMessageId = problems.optionalString(value.messageId, 'channel.messageId')
  if (channelMessageId === '') problems.add('channel.messageId', 'must not be empty')
  const customAttributes = checkChannelMetadata(value.metadata, limits, problems)
  return { from, time, channelMessageId, customAttributes }
}

/**
 * `channel.metadata.customAttributes` sets participant data (forum thread 26014, middlewares in
 * research §2.2); values must be strings.
 */
function checkChannelMetadata(value: unknown, limits: Limits, problems: Problems) {
  if (value === undefined) return undefined
  if (!isObject(value)) {
    problems.add('channel.metadata', 'must be an object')
    return undefined
  }
  const attributes = problems.stringMap(value.customAttributes, 'channel.metadata.customAttributes')
  if (attributes && Buffer.byteLength(JSON.stringify(attributes)) > limits.customAttributesMaxBytes)
    problems.add(
      'channel.metadata.customAttributes',
      `must not exceed ${limits.customAttributesMaxBytes} bytes`,
    )
  return attributes
}

/** Validates an `OpenInboundNormalizedMessage` body; returns the value or every problem found. */
export function validateInboundMessage(
  body: unknown,
  limits: Limits,
): { value: ValidInboundMessage } | { problems: FieldProblem[] } {
  const problems = new Problems()
  if (!isObject(body)) return { problems: [{ field: 'body', problem: 'must be a JSON object' }] }
  const json: Json = body
  const ignoredFields: string[] = []
  problems.legacy(json.direction, 'Inbound', 'direction')
  problems.legacy(json.type, 'Text', 'type')
  ignoredFields.push(
    ...unknownKeys(json, ['channel', 'text', 'content', 'metadata', ...LEGACY_TOP], ''),
  )
  const channel = checkChannel(json.channel, limits, problems, ignoredFields)
  const text = problems.optionalString(json.text, 'text')
  if (text !== undefined && [...text].length > limits.textMaxLength)
    problems.add('text', `must not exceed ${limits.textMaxLength} characters`)
  const content = checkContent(json.content, problems)
  if (
    (text === undefined || text === '') &&
    content.length === 0 &&
    Array.isArray(json.content ?? [])
  )
    problems.add('text', 'or content is required (a message needs text or an attachment)')
  const metadata = problems.stringMap(json.metadata, 'metadata')
  if (!problems.empty || !channel?.from || !channel.time) return { problems: problems.list }
  return {
    value: {
      from: channel.from,
      time: channel.time,
      ...(channel.channelMessageId !== undefined && { channelMessageId: channel.channelMessageId }),
      ...(channel.customAttributes !== undefined && { customAttributes: channel.customAttributes }),
      ...(text !== undefined && { text }),
      content,
      ...(metadata !== undefined && { metadata }),
      ignoredFields,
    },
  }
}
