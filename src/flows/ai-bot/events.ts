import type { IntegrationId } from '../../core/model/ids.ts'
import type { Job, JobContext } from '../../core/ports/job-queue.ts'
import type { AiBotDeps } from './deps.ts'
import type { BotEnvelopePayload } from './tasks.ts'

/**
 * Records a bot conversation change (members, installation) in the integration's event log,
 * once per activity, under the integration (and so its owning account).
 */
export async function handleEvent(job: Job, ctx: JobContext, deps: AiBotDeps): Promise<void> {
  const { integrationId, envelope } = job.payload as unknown as BotEnvelopePayload
  if (envelope.event.type !== 'conversation.changed') return
  const bot = await deps.bots.bot(integrationId as IntegrationId)
  if (!bot) {
    ctx.log.info({ integrationId }, 'bot integration deleted or disabled: event dropped')
    return
  }
  await deps.store.integrationEvents.append({
    integrationId: bot.integration.id,
    type: envelope.event.activityType,
    dedupeKey: `activity:${envelope.dedupeKey}`,
    data: envelope.event.data,
    occurredAt: new Date(envelope.occurredAt),
  })
}
