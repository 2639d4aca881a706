import { RemoteAmbiguousError, RemoteRejectedError } from '../../../../core/errors.ts'
import type { Attempt, ReplyContext, Scene } from './reply-context.ts'
import type { ReplyRecord } from './reply-record.ts'
import { finalActivity, replacementActivity } from './stream-activities.ts'
import type { StreamReplyResult } from './streaming-reply.ts'

type Finalizing = Extract<ReplyRecord, { phase: 'finalizing' }>
const FINAL_ATTEMPTS = 5

/** A recorded delivered reply as the sender's result. */
export const resultOf = (
  record: Extract<ReplyRecord, { phase: 'delivered' }>,
  alreadyDelivered: boolean,
): StreamReplyResult => ({
  outcome: record.outcome,
  alreadyDelivered,
  mode: record.mode,
  ...(record.activityId ? { activityId: record.activityId } : {}),
  text: record.text,
  updates: record.updates,
})

/** Sends what the record has not delivered yet as plain messages, then records it done. */
export async function sendParts(
  ctx: ReplyContext,
  scene: Scene,
  record: Finalizing,
  mode: 'stream' | 'message',
): Promise<StreamReplyResult> {
  let current = record
  if (current.inFlight) {
    scene.log.warn(
      { part: current.sentIds.length },
      'a bot message may have been posted without its answer: not posted again',
    )
    current = {
      ...current,
      inFlight: false,
      outcome: 'unconfirmed',
      parts: current.parts.slice(0, current.sentIds.length),
    }
  }
  for (let index = current.sentIds.length; index < current.parts.length; index += 1) {
    await ctx.records.put(scene.key, (current = { ...current, inFlight: true }))
    const answer = await sendUntilAnswered(
      ctx,
      scene,
      replacementActivity(scene.ref, current.parts[index]!),
    )
    if (answer.kind === 'failed' && answer.error instanceof RemoteAmbiguousError) throw answer.error
    if (answer.kind !== 'accepted') {
      await ctx.records.put(scene.key, { ...current, inFlight: false })
      if (answer.kind === 'failed') throw answer.error
      throw new RemoteRejectedError('Teams refused the bot message', {
        details: { kind: answer.kind, ...('reason' in answer ? { reason: answer.reason } : {}) },
      })
    }
    const sentIds = [...current.sentIds, answer.id ?? `${scene.key}#${index}`]
    await ctx.records.put(scene.key, (current = { ...current, sentIds, inFlight: false }))
  }
  const done = {
    phase: 'delivered' as const,
    mode,
    outcome: current.outcome,
    ...(current.sentIds[0] ? { activityId: current.sentIds[0] } : {}),
    text: current.parts.join(''),
    updates: current.updates,
  }
  await ctx.records.put(scene.key, done)
  scene.log.info(
    { mode, outcome: done.outcome, updates: done.updates, parts: current.parts.length },
    'bot reply delivered',
  )
  return resultOf(done, false)
}

/** A plain message POST, waiting out 429s (a refused POST was not applied). */
async function sendUntilAnswered(
  ctx: ReplyContext,
  scene: Scene,
  activity: unknown,
): Promise<Attempt> {
  for (;;) {
    const answer = await ctx.attempt(scene, 'POST', scene.url, activity)
    if (answer.kind !== 'throttled') return answer
    await ctx.clock.sleep(answer.retryAfterMs, scene.signal)
  }
}

/**
 * Sends the recorded final of a stream until Teams has it: again after a 429 or a failure
 * (safe: a second final is refused as "already completed"); when the stream can no longer be
 * finished (over two minutes, or the text does not continue it), replaces the streamed message.
 */
export async function finishStream(
  ctx: ReplyContext,
  scene: Scene,
  record: Finalizing,
  streamId: string,
): Promise<StreamReplyResult> {
  const text = record.parts[0]!
  let lastError: unknown
  for (let tries = 0; tries < FINAL_ATTEMPTS; tries += 1) {
    const answer = await ctx.attempt(
      scene,
      'POST',
      scene.url,
      finalActivity(scene.ref, text, streamId),
    )
    if (answer.kind === 'throttled') {
      await ctx.clock.sleep(answer.retryAfterMs, scene.signal)
      continue
    }
    if (answer.kind === 'failed') {
      lastError = answer.error
      await ctx.clock.sleep(ctx.options.updateIntervalMs * 2 ** tries, scene.signal)
      continue
    }
    if (answer.kind === 'refused' && answer.reason === 'cancelled') {
      const stopped = {
        ...record,
        outcome: 'cancelled' as const,
        parts: [''],
        sentIds: [streamId],
      }
      return sendParts(ctx, scene, stopped, 'stream')
    }
    if (answer.kind === 'refused' && answer.reason !== 'completed') {
      scene.log.info(
        { reason: answer.reason },
        'stream could not be finished: replacing the message',
      )
      const replaced = await ctx.attempt(
        scene,
        'PUT',
        `${scene.url}/${encodeURIComponent(streamId)}`,
        replacementActivity(scene.ref, text),
      )
      if (replaced.kind === 'failed') throw replaced.error
      if (replaced.kind !== 'accepted')
        throw new RemoteRejectedError('Teams refused to replace the streamed message', {
          details: { kind: replaced.kind },
        })
    }
    const finished = { ...record, sentIds: [streamId], inFlight: false }
    await ctx.records.put(scene.key, finished)
    return sendParts(ctx, scene, finished, 'stream')
  }
  throw lastError ?? new RemoteRejectedError('the final stream message was not accepted')
}
