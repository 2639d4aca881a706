import { RemoteAmbiguousError } from '../../../../core/errors.ts'
import { splitText } from '../../../../core/policies/text.ts'
import { MAX_TEXT_UNITS, typingActivity } from '../to-activity.ts'
import { finalTextOf, type ReplyContext, type Scene } from './reply-context.ts'
import { finishStream, sendParts } from './reply-finish.ts'
import { interimActivity, renderText } from './stream-activities.ts'
import type { TextSource } from './text-source.ts'

/** Interim updates stop growing past this; the final carries the rest (Teams' 100 KB limit). */
const STREAM_CAP_UNITS = MAX_TEXT_UNITS - 2_000
const START_ATTEMPTS = 5

/** A group chat or channel: one message (split only over Teams' size limit) at the end. */
export async function single(
  ctx: ReplyContext,
  scene: Scene,
  source: TextSource,
  deadline: number,
) {
  await ctx.attempt(scene, 'POST', scene.url, typingActivity(scene.ref))
  while (!source.finished && ctx.clock.nowMs() < deadline)
    await ctx.waitForText(scene, source, deadline)
  const cut = !source.finished
  source.stop()
  const final = finalTextOf(ctx.options, source, cut, scene.log)
  const record = {
    phase: 'finalizing' as const,
    parts: splitText(final.text, MAX_TEXT_UNITS),
    sentIds: [],
    inFlight: false,
    outcome: final.outcome,
    updates: 0,
  }
  await ctx.records.put(scene.key, record)
  return sendParts(ctx, scene, record, 'message')
}

/** A 1:1 chat: informative update, coalesced updates, then the final. */
export async function streamed(
  ctx: ReplyContext,
  scene: Scene,
  source: TextSource,
  deadline: number,
) {
  const start = await startStream(ctx, scene)
  if (!start) return single(ctx, scene, source, deadline)
  const streamId = start
  await ctx.records.put(scene.key, { phase: 'streaming', streamId, updates: 1 })
  let sequence = 1
  let updates = 1
  let shown = ''
  let sending = true
  let nextAt = ctx.clock.nowMs() + ctx.options.updateIntervalMs
  let ending: 'done' | 'cut' | 'cancelled' = 'done'

  while (!source.finished) {
    const now = ctx.clock.nowMs()
    if (now >= deadline) {
      ending = 'cut'
      break
    }
    const text = renderText(source.text)
    const due = sending && text.trim() !== '' && text !== shown && text.length <= STREAM_CAP_UNITS
    if (!due) {
      await ctx.waitForText(scene, source, deadline)
      continue
    }
    if (now < nextAt) {
      await ctx.waitForText(scene, source, Math.min(nextAt, deadline))
      continue
    }
    sequence += 1
    const answer = await ctx.attempt(
      scene,
      'POST',
      scene.url,
      interimActivity(scene.ref, text, 'streaming', sequence, streamId),
    )
    nextAt = ctx.clock.nowMs() + ctx.options.updateIntervalMs
    if (answer.kind === 'accepted') {
      shown = text
      updates += 1
    } else if (answer.kind === 'throttled') {
      sequence -= 1
      nextAt = ctx.clock.nowMs() + Math.max(ctx.options.updateIntervalMs, answer.retryAfterMs)
    } else if (answer.kind === 'failed') {
      if (!(answer.error instanceof RemoteAmbiguousError)) sequence -= 1
      nextAt = ctx.clock.nowMs() + 2 * ctx.options.updateIntervalMs
    } else if (answer.kind === 'refused') {
      scene.log.info({ reason: answer.reason }, 'stream update refused')
      if (answer.reason === 'cancelled') {
        ending = 'cancelled'
        break
      }
      if (answer.reason === 'timedOut') {
        ending = 'cut'
        break
      }
      sending = false
    }
  }

  if (ending === 'cancelled') {
    // The user stopped it: what was streamed stays, nothing more is sent.
    source.stop()
    const stopped = {
      phase: 'finalizing' as const,
      streamId,
      parts: [shown],
      sentIds: [streamId],
      inFlight: false,
      outcome: 'cancelled' as const,
      updates,
    }
    return sendParts(ctx, scene, stopped, 'stream')
  }
  if (ending === 'cut') source.stop()
  const final = finalTextOf(ctx.options, source, ending === 'cut', scene.log)
  const record = {
    phase: 'finalizing' as const,
    streamId,
    parts: splitText(final.text, MAX_TEXT_UNITS),
    sentIds: [],
    inFlight: false,
    outcome: final.outcome,
    updates,
  }
  await ctx.records.put(scene.key, record)
  const wait = nextAt - ctx.clock.nowMs()
  if (wait > 0) await ctx.clock.sleep(wait, scene.signal)
  return finishStream(ctx, scene, record, streamId)
}

/** The informative update; its id is the stream's. Undefined: Teams will not stream here. */
async function startStream(ctx: ReplyContext, scene: Scene): Promise<string | undefined> {
  const activity = interimActivity(
    scene.ref,
    ctx.options.informativeText,
    'informative',
    1,
    undefined,
  )
  for (let tries = 0; tries < START_ATTEMPTS; tries += 1) {
    const answer = await ctx.attempt(scene, 'POST', scene.url, activity)
    if (answer.kind === 'throttled') {
      await ctx.clock.sleep(answer.retryAfterMs, scene.signal)
      continue
    }
    if (answer.kind === 'failed') throw answer.error
    if (answer.kind === 'accepted' && answer.id) return answer.id
    scene.log.info({ kind: answer.kind }, 'Teams did not start a stream: one message instead')
    return undefined
  }
  return undefined
}
