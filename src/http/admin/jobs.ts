import type { FastifyInstance, FastifyRequest } from 'fastify'

import { NotFoundError } from '../../core/errors.ts'
import type { JobInfo, JobQueue } from '../../core/ports/job-queue.ts'

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    task: { type: 'string' },
    lane: { type: 'string', nullable: true },
    state: { type: 'string' },
    attempt: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    lastError: { type: 'string', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
} as const

/** Operator API for lanes: parked heads can be retried or skipped. Payloads are never returned. */
export async function jobRoutes(
  app: FastifyInstance,
  options: { queue: JobQueue; authorize: (request: FastifyRequest) => Promise<void> },
): Promise<void> {
  const { queue } = options
  app.addHook('onRequest', options.authorize)

  app.get(
    '/api/v1/jobs/stats',
    { schema: { tags: ['jobs'], summary: 'Queue depth by state', security: [{ bearer: [] }] } },
    async () => queue.stats(),
  )

  app.get(
    '/api/v1/jobs/parked',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Lanes blocked by a job that spent its retries',
        security: [{ bearer: [] }],
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: jobSchema } } },
        },
      },
    },
    async () => ({ items: (await queue.parked()).map(publicJob) }),
  )

  for (const action of ['retry', 'skip'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/jobs/:id/${action}`,
      {
        schema: {
          tags: ['jobs'],
          summary:
            action === 'retry'
              ? 'Run a parked job again with a fresh retry budget'
              : 'Give up on a parked job so its lane moves on',
          security: [{ bearer: [] }],
          params: idParams,
          response: { 200: jobSchema },
        },
      },
      async (request) => {
        const job = await queue.get(request.params.id)
        if (!job) throw new NotFoundError('no such job')
        await (action === 'retry' ? queue.retry(job.id) : queue.skip(job.id))
        return publicJob((await queue.get(job.id)) ?? job)
      },
    )
  }
}

const publicJob = (job: JobInfo) => ({
  id: job.id,
  task: job.task,
  lane: job.lane ?? null,
  state: job.state,
  attempt: job.attempt,
  maxAttempts: job.maxAttempts,
  lastError: job.lastError ?? null,
  createdAt: job.createdAt.toISOString(),
  updatedAt: job.updatedAt.toISOString(),
})
