import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify'

import type { JobQueue } from '../core/ports/job-queue.ts'
import type { Logger } from '../core/ports/logger.ts'
import { jobRoutes } from './admin/jobs.ts'
import { openApiTransform } from './api/openapi.ts'
import { adminApiRoutes, type ApiOptions } from './api/plugin.ts'
import {
  clientErrorHandler,
  errorHandler,
  expectationFailed,
  frameworkErrorHandler,
  requireHost,
  sendProblem,
} from './errors.ts'
import { type BlobResponse, blobRoutes } from './ops/blobs.ts'
import { type OpsOptions, opsRoutes } from './ops/routes.ts'
import { type WebhookOptions, webhookRoutes } from './webhooks/plugin.ts'

export interface HttpServerOptions {
  readonly log: Logger
  readonly webhooks: WebhookOptions
  readonly ops: OpsOptions
  readonly serveBlob: (
    key: string,
    query: Record<string, string | undefined>,
  ) => Promise<BlobResponse>
  readonly admin: {
    readonly queue: JobQueue
    readonly authorize: (request: FastifyRequest) => Promise<void>
  }
  /** The multi-account admin API (accounts, keys, integrations); absent: not served. */
  readonly api?: ApiOptions
  /** Extra route plugins (e.g. the Microsoft service-account login). */
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>
  readonly version: string
}

export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = bareServer(options.log, options.webhooks.bodyLimitBytes)
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'cx-bridge',
        version: options.version,
        description: 'Microsoft Teams ⇄ contact-center bridge: webhooks, operations and admin API.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: openApiTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(opsRoutes, options.ops)
  await app.register(blobRoutes, { serve: options.serveBlob })
  await app.register(jobRoutes, options.admin)
  if (options.api) await app.register(adminApiRoutes, options.api)
  await app.register(webhookRoutes, options.webhooks)
  for (const plugin of options.plugins ?? []) await app.register(plugin)
  return app
}

/** What a worker-only process serves: liveness, readiness and metrics. */
export async function buildOpsServer(options: {
  readonly log: Logger
  readonly ops: OpsOptions
}): Promise<FastifyInstance> {
  const app = bareServer(options.log, 1024)
  await app.register(opsRoutes, options.ops)
  return app
}

function bareServer(log: Logger, bodyLimit: number): FastifyInstance {
  const app = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    // Webhook traffic is counted in metrics; per-request log lines would cost more than the work.
    logController: new LogController({ disableRequestLogging: true }),
    // Nothing logs through `request.log`: no child logger (and its redaction pass) per request.
    childLoggerFactory: (logger) => logger,
    bodyLimit,
    return503OnClosing: true,
    requestTimeout: 30_000,
    // Refusals before any route runs are problems like every other one: Node would answer a
    // missing Host or an unknown Expect with an empty 400 or 417 of its own.
    frameworkErrors: frameworkErrorHandler(log),
    clientErrorHandler,
    http: { requireHostHeader: false },
  })
  app.server.on('checkExpectation', expectationFailed)
  app.addHook('onRequest', requireHost)
  app.setErrorHandler(errorHandler(log))
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      code: 'NOT_FOUND',
      detail: `no route for ${request.method} ${request.url.split('?')[0]}`,
    }),
  )

  return app
}
