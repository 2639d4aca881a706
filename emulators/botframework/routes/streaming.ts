import type { FastifyReply } from 'fastify'

import { type BotFrameworkContext, throttled } from '../context.ts'
import { connectorError } from '../errors.ts'
import type { Conversation } from '../state.ts'
import type { StreamRecord } from '../streams.ts'
import { recordBotActivity } from './record.ts'

/**
 * Teams streaming (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux), one-on-one
 * chats only. Interim `typing` activities carry a `streaminfo` entity (`streamType` `informative`
 * or `streaming`) and the full text so far; the first has no `streamId`, `streamSequence: 1` and
 * text, and its 201 `{id}` is the stream id; later ones name `streamId` with an increasing
 * `streamSequence` (202 `{}`); the final is a `message` with `streamType: 'final'` and no
 * sequence. The older form (the fields in `channelData`) is accepted too.
 *
 * Errors, from the page's "Response codes": out of order → 202
 * `ContentStreamSequenceOrderPreConditionFailed` (dropped); bad payload → 400 `BadRequest`; 403
 * `ContentStreamNotAllowed` outside 1:1 chats, after the final, after two minutes ("within the
 * strict time limit of two minutes"), after the user pressed Stop, over the message size, and
 * when streamed content does not start with what was streamed before; 429 "API calls quota
 * exceeded" when faster than "The throttling limit is 1 request per second" (measured here
 * between accepted stream activities, the final included). Informative text is at most 1000
 * characters ("Informative messages must not be more than 1 kb or 1000 characters"; the error
 * code for it is not documented: 400 `BadRequest` here).
 */
export const STREAM_LIMIT_MS = 2 * 60_000
const MIN_INTERVAL_MS = 1_000
const INFORMATIVE_MAX_CHARS = 1_000

export const STREAM_MESSAGES = {
  notAllowed: 'Content stream is not allowed',
  completed: 'Content stream is not allowed on an already completed streamed message',
  timedOut: 'Content stream finished due to exceeded streaming time.',
  cancelled: 'Content stream was canceled by user.',
  tooLarge: 'Message size too large',
  notPrefix: 'Request streamed content should contain the previously streamed content',
  outOfOrder: 'PreCondition failed exception when processing streaming activity.',
} as const

export interface StreamInfo {
  streamId?: string
  streamType: string
  streamSequence?: number
}

export function streamInfo(body: Record<string, unknown>): StreamInfo | undefined {
  const entities = Array.isArray(body['entities']) ? (body['entities'] as unknown[]) : []
  const entity = entities.find(
    (e) => String((e as Record<string, unknown>)?.['type']).toLowerCase() === 'streaminfo',
  )
  const channelData = body['channelData'] as Record<string, unknown> | undefined
  const legacy = channelData?.['streamType'] !== undefined ? channelData : undefined
  const source = (entity as Record<string, unknown> | undefined) ?? legacy
  if (!source) return undefined
  const sequence = source['streamSequence']
  return {
    ...(typeof source['streamId'] === 'string' ? { streamId: source['streamId'] } : {}),
    streamType: typeof source['streamType'] === 'string' ? source['streamType'] : 'streaming',
    ...(sequence !== undefined ? { streamSequence: Number(sequence) } : {}),
  }
}

const notAllowed = (reply: FastifyReply, message: string) =>
  connectorError(reply, 403, 'ContentStreamNotAllowed', message)
const badRequest = (reply: FastifyReply, message: string) =>
  connectorError(reply, 400, 'BadRequest', message)

/** The refusal for a stream that no longer takes activities, or undefined while it runs. */
function endedMessage(ctx: BotFrameworkContext, stream: StreamRecord): string | undefined {
  if (stream.status === 'streaming' && ctx.clock.nowMs() - stream.startedAt > STREAM_LIMIT_MS)
    stream.status = 'timedOut'
  switch (stream.status) {
    case 'final':
      return STREAM_MESSAGES.completed
    case 'cancelled':
      return STREAM_MESSAGES.cancelled
    case 'timedOut':
      return STREAM_MESSAGES.timedOut
    default:
      return undefined
  }
}

/** Payload rules shared by every stream activity; returns the refusal, if any. */
function payloadProblem(body: Record<string, unknown>, info: StreamInfo): string | undefined {
  const isFinal = info.streamType === 'final'
  if (body['type'] === 'typing' && !['informative', 'streaming'].includes(info.streamType))
    return 'Only start streaming and continue streaming types are allowed as a typing activity.'
  if (body['type'] === 'message' && !isFinal)
    return 'A message activity in a stream must have streamType final.'
  if (!isFinal && Array.isArray(body['attachments']) && body['attachments'].length > 0)
    return 'Attachments are only allowed on the final message.'
  if (
    info.streamType === 'informative' &&
    String(body['text'] ?? '').length > INFORMATIVE_MAX_CHARS
  )
    return 'Informative messages must not be more than 1000 characters.'
  if (isFinal && info.streamSequence !== undefined)
    return 'The final message must not set streamSequence.'
  return undefined
}

/** Handles one streaming activity (the body already passed the general activity rules). */
export async function handleStreamActivity(
  ctx: BotFrameworkContext,
  conversation: Conversation,
  appId: string,
  body: Record<string, unknown>,
  info: StreamInfo,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (conversation.type !== 'personal') return notAllowed(reply, STREAM_MESSAGES.notAllowed)
  const problem = payloadProblem(body, info)
  if (problem) return badRequest(reply, problem)
  const text = typeof body['text'] === 'string' ? body['text'] : ''
  const now = ctx.clock.nowMs()

  if (info.streamId === undefined) {
    if (info.streamType === 'final' || info.streamSequence !== 1)
      return badRequest(reply, 'The first stream activity needs streamSequence 1.')
    if (text === '') return badRequest(reply, 'Start streaming activities should include text.')
    const id = recordBotActivity(ctx, conversation, appId, 'send', body)
    ctx.streams.start({
      streamId: id,
      conversationId: conversation.id,
      botAppId: appId,
      now,
      text,
      informative: info.streamType === 'informative',
    })
    return reply.code(201).send({ id })
  }

  const stream = ctx.streams.get(conversation.id, info.streamId)
  if (!stream || stream.botAppId !== appId) return badRequest(reply, 'Unknown streamId.')
  const ended = endedMessage(ctx, stream)
  if (ended) return notAllowed(reply, ended)
  const waitMs = stream.lastAcceptedAt + MIN_INTERVAL_MS - now
  if (waitMs > 0 && (await throttled(reply, Math.ceil(waitMs / 1000)))) return reply
  if (info.streamType !== 'final' && (info.streamSequence ?? 0) <= stream.lastSequence)
    return reply.code(202).send({
      error: {
        code: 'ContentStreamSequenceOrderPreConditionFailed',
        message: STREAM_MESSAGES.outOfOrder,
      },
    })
  if (info.streamType !== 'informative' && !text.startsWith(stream.streamedText))
    return notAllowed(reply, STREAM_MESSAGES.notPrefix)

  stream.lastAcceptedAt = now
  if (info.streamType === 'final') {
    stream.status = 'final'
  } else {
    stream.lastSequence = info.streamSequence!
    stream.updates += 1
    if (info.streamType === 'streaming') stream.streamedText = text
  }
  recordBotActivity(ctx, conversation, appId, 'stream', body, info.streamId)
  return reply.code(202).send({})
}
