import type { JobHandler } from '../../core/ports/job-queue.ts'
import type { AiBotDeps } from './deps.ts'
import { handleEvent } from './events.ts'
import { TASKS } from './tasks.ts'
import { handleTurn } from './turn.ts'

export type { AiBotDeps, BotBehaviour, BotRegistry, OpenedBot, ResponderRegistry } from './deps.ts'
export { TASKS as AI_BOT_TASKS, botJobsForEnvelopes, botLane } from './tasks.ts'
export { BOT_TEXTS } from './texts.ts'

/** The job handlers of the AI bot flow (Teams ⇄ responder). */
export function aiBotHandlers(deps: AiBotDeps): Record<string, JobHandler> {
  return {
    [TASKS.turn]: (job, ctx) => handleTurn(job, ctx, deps),
    [TASKS.recordEvent]: (job, ctx) => handleEvent(job, ctx, deps),
  }
}
