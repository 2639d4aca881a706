import { readFileSync } from 'node:fs'

import { microsoftTeamsBotConnector } from '../connectors/microsoft/teams-bot/index.ts'
import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import type { JobHandler } from '../core/ports/job-queue.ts'
import { type AiBotDeps, aiBotHandlers, botJobsForEnvelopes } from '../flows/ai-bot/index.ts'
import type { WebhookConnector } from '../http/webhooks/plugin.ts'
import { createBotRegistry } from './bots.ts'
import type { Config } from './config.ts'
import type { Infrastructure } from './infrastructure.ts'
import { createResponderRegistry } from './responders.ts'

/**
 * The Teams AI bot: its callback (a webhook connector with its own jobs) and the flow's job
 * handlers, wired to the bot integrations, the named responders and the session store.
 */
export function aiBotComposition(config: Config, infra: Infrastructure, deps: ConnectorDeps) {
  const { store, sessions, blobs, clock, metrics } = infra
  const responders = createResponderRegistry(config, {
    clock,
    limiter: infra.limiter,
    metrics,
    log: deps.log.child({ component: 'responder' }),
    secrets: infra.secrets,
    trustedHosts: config.trustedHosts,
    allowPrivateNetworks: config.responders.allowPrivateNetworks,
    ...(config.tls.extraCaFile ? { extraCaPem: readFileSync(config.tls.extraCaFile) } : {}),
  })
  const flow: AiBotDeps = {
    store,
    sessions,
    bots: createBotRegistry(store.integrations, deps),
    responders,
    blobs,
    clock,
    log: deps.log,
    metrics,
    attachments: config.attachments,
  }
  const webhook: WebhookConnector = {
    kind: microsoftTeamsBotConnector.kind,
    side: microsoftTeamsBotConnector.side,
    routes: microsoftTeamsBotConnector.webhooks(deps),
    toJobs: botJobsForEnvelopes,
  }
  return { webhook, handlers: (): Record<string, JobHandler> => aiBotHandlers(flow) }
}
