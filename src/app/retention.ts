import { partsNamespace as genesysParts } from '../connectors/genesys/open-messaging/client.ts'
import { SENT_NAMESPACE as botSent } from '../connectors/microsoft/botframework/client.ts'
import { REPLY_NAMESPACE as botReplies } from '../connectors/microsoft/botframework/streaming/reply-record.ts'
import { PROGRESS_NAMESPACE as graphProgress } from '../connectors/microsoft/graph/channel-client.ts'
import type { JobHandler } from '../core/ports/job-queue.ts'
import { TURN_NAMESPACE as botTurns } from '../flows/ai-bot/turn-records.ts'
import { retentionHandler } from '../flows/retention/purge.ts'
import type { Config } from './config.ts'
import type { Infrastructure } from './infrastructure.ts'
import { type Singleton, singletonHandler } from './singletons.ts'

const RETENTION_TASK = 'retention.purge'

/** State written per message or per turn (send progress, replies, turns): kept as messages are. */
export const MESSAGE_STATE_NAMESPACES = [botTurns, botReplies, botSent, genesysParts, graphProgress]

export function retentionSingleton(config: Config): Singleton {
  return { name: 'retention', task: RETENTION_TASK, everyMs: config.retention.intervalMs }
}

/**
 * The purge job, of the store and the re-hosted attachments; without Redis it also deletes the
 * embedded store's expired sessions and cache.
 */
export function retentionHandlers(
  config: Config,
  infra: Infrastructure,
): Record<string, JobHandler> {
  const { store } = infra
  const handler = retentionHandler(
    {
      store,
      blobs: infra.blobs,
      clock: infra.clock,
      metrics: infra.metrics,
      ...(!infra.redis && { purgeExpiredKeyValues: (n: number) => store.keyValue.purgeExpired(n) }),
    },
    { ...config.retention, messageStateNamespaces: MESSAGE_STATE_NAMESPACES },
  )
  return { [RETENTION_TASK]: singletonHandler(handler) }
}
