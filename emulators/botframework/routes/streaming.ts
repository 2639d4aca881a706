import type { FastifyReply } from 'fastify'

import type { BotFrameworkContext } from '../context.ts'
import { connectorError } from '../errors.ts'
import type { Conversation } from '../state.ts'
import { recordBotActivity } from './record.ts'

/**
 * Teams streaming (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux), one-on-one
 * chats only: interim `typing` activities with a `streaminfo` entity carry the full text so far;
 * the first has no `streamId`, `streamSequence: 1` and text, and its 201 `{id}` is the stream id;
 * later ones name `streamId` with an increasing `streamSequence` (202 `{}`; out of order → 202
 * `ContentStreamSequenceOrderPreConditionFailed`, dropped); the final is a `message` with
 * `streamType: 'final'` and no sequence. A stream lasts at most 2 minutes. The older form
 * (fields mirrored in `channelData`) is accepted too.
 */
const STREAM_LIMIT_MS = 2 * 60_000

interface StreamInfo {
  streamId?: string
  streamType: string
  streamSequence?: number
}

interface StreamState {
  readonly startedAt: number
  lastSequence: number
  finished: boolean
}

const streams = new WeakMap<Conversation, Map<string, StreamState>>()

export function streamInfo(body: Record<string, unknown>): StreamInfo | undefined {
  const entities = Array.isArray(body['entities']) ? (body['entities'] as unknown[]) : []
  const entity = entities.find((e) => (e as Record<string, unknown>)?.['type'] === 'streaminfo')
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

/** Handles one streaming activity (the body already passed the general activity rules). */
export async function handleStreamActivity(
  ctx: BotFrameworkContext,
  conversation: Conversation,
  appId: string,
  body: Record<string, unknown>,
  info: StreamInfo,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (conversation.type !== 'personal') return notAllowed(reply, 'Content stream is not allowed.')
  const own = streams.get(conversation) ?? new Map<string, StreamState>()
  streams.set(conversation, own)
  const isFinal = info.streamType === 'final'
  if (isFinal !== (body['type'] === 'message'))
    return connectorError(
      reply,
      400,
      'BadRequest',
      'Interim stream activities are typing, the final one a message.',
    )
  if (!isFinal && Array.isArray(body['attachments']) && body['attachments'].length > 0)
    return connectorError(
      reply,
      400,
      'BadRequest',
      'Attachments are only allowed on the final message.',
    )

  if (info.streamId === undefined) {
    if (isFinal || info.streamSequence !== 1)
      return connectorError(
        reply,
        400,
        'BadRequest',
        'The first stream activity needs streamSequence 1.',
      )
    if (typeof body['text'] !== 'string' || body['text'] === '')
      return connectorError(
        reply,
        400,
        'BadRequest',
        'Start streaming activities should include text.',
      )
    const id = recordBotActivity(ctx, conversation, appId, 'send', body)
    own.set(id, { startedAt: ctx.clock.nowMs(), lastSequence: 1, finished: false })
    return reply.code(201).send({ id })
  }

  const stream = own.get(info.streamId)
  if (!stream) return connectorError(reply, 404, 'BadRequest', 'Unknown streamId.')
  if (stream.finished)
    return notAllowed(
      reply,
      'Content stream is not allowed on an already completed streamed message.',
    )
  if (ctx.clock.nowMs() - stream.startedAt > STREAM_LIMIT_MS) {
    stream.finished = true
    return notAllowed(reply, 'Content stream finished due to exceeded streaming time.')
  }
  if (isFinal) {
    if (info.streamSequence !== undefined)
      return connectorError(
        reply,
        400,
        'BadRequest',
        'The final message must not set streamSequence.',
      )
    stream.finished = true
    recordBotActivity(ctx, conversation, appId, 'stream', body, info.streamId)
    return reply.code(202).send({})
  }
  if (info.streamSequence === undefined || info.streamSequence <= stream.lastSequence)
    return reply.code(202).send({
      error: {
        code: 'ContentStreamSequenceOrderPreConditionFailed',
        message: 'The stream sequence is out of order; the activity was dropped.',
      },
    })
  stream.lastSequence = info.streamSequence
  recordBotActivity(ctx, conversation, appId, 'stream', body, info.streamId)
  return reply.code(202).send({})
}
