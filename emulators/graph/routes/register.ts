import type { FastifyInstance } from 'fastify'

import { registerChannelMessageRoutes } from './channel-messages.ts'
import { registerChatMessageRoutes } from './chat-messages.ts'
import { registerChatRoutes } from './chats.ts'
import type { GraphContext } from './context.ts'
import { registerMailRoutes } from './mail.ts'
import { registerPipeline } from './pipeline.ts'
import { registerPresenceRoutes } from './presence.ts'
import { registerDownloadRoute, registerShareRoutes } from './shares.ts'
import { registerSubscriptionRoutes } from './subscriptions.ts'
import { registerUserRoutes } from './users.ts'

/** Mounts Graph v1.0 under `/v1.0`, behind faults, bearer auth and throttling. */
export function registerGraphRoutes(app: FastifyInstance, ctx: GraphContext): void {
  registerDownloadRoute(app, ctx)
  app.register(
    async (scope) => {
      registerPipeline(scope, ctx)
      registerUserRoutes(scope, ctx)
      registerChatRoutes(scope, ctx)
      registerChatMessageRoutes(scope, ctx)
      registerChannelMessageRoutes(scope, ctx)
      registerShareRoutes(scope, ctx)
      registerPresenceRoutes(scope, ctx)
      registerMailRoutes(scope, ctx)
      registerSubscriptionRoutes(scope, ctx)
    },
    { prefix: '/v1.0' },
  )
}
