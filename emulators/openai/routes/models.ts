import { randomBytes } from 'node:crypto'

import type { FastifyInstance, FastifyRequest } from 'fastify'

import { applyFault } from '../../kit/server.ts'
import { faultError, sendOpenAiError } from '../errors.ts'
import type { OpenAiState } from '../state.ts'
import { authenticate } from './auth.ts'

export const MODELS_ROUTE = 'openai.models'

/** A fixed creation time: the emulator's models are not versioned. */
const CREATED = 1_715_367_049

/** `GET /v1/models` and `GET /v1/models/{model}` (https://platform.openai.com/docs/api-reference/models). */
export function registerModels(app: FastifyInstance, state: OpenAiState): void {
  const model = (id: string) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })
  const guard = async (req: FastifyRequest, reply: Parameters<typeof applyFault>[2]) => {
    reply.header('x-request-id', `req_${randomBytes(16).toString('hex')}`)
    if (
      await applyFault(state.faults, MODELS_ROUTE, reply, (f) => ({
        error: faultError(f.status ?? 500),
      }))
    ) {
      return false
    }
    const header = req.headers.authorization
    const key = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] : undefined
    return authenticate(state, key, reply)
  }
  app.get('/v1/models', async (req, reply) => {
    if (!(await guard(req, reply))) return reply
    return { object: 'list', data: state.models.map(model) }
  })
  app.get('/v1/models/:model', async (req, reply) => {
    if (!(await guard(req, reply))) return reply
    const id = (req.params as { model: string }).model
    if (!state.models.includes(id)) {
      return sendOpenAiError(reply, 404, {
        message: `The model '${id}' does not exist`,
        param: 'model',
        code: 'model_not_found',
      })
    }
    return model(id)
  })
}
