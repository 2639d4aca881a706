import type { FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'

import type { AccountAdmin } from '../../flows/admin/accounts.ts'
import type { IntegrationAdmin } from '../../flows/admin/integrations.ts'
import { integrationRoutes } from './integrations.ts'
import { refuseDeepBodies } from './json-depth.ts'
import { accountRoutes } from './keys.ts'
import { authenticateRequest } from './principal.ts'

export interface ApiOptions {
  readonly accounts: AccountAdmin
  readonly integrations: IntegrationAdmin
}

/**
 * The multi-account admin API (docs/api.md): every route needs an API key, answers only with
 * the key's own account's records, and validates every input with zod (400 problem+json
 * naming the field). Encapsulated, so the zod compilers apply to these routes only.
 */
export async function adminApiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.addHook(
    'onRequest',
    authenticateRequest((token) => options.accounts.authenticate(token)),
  )
  app.addHook('preValidation', refuseDeepBodies)
  await app.register(accountRoutes(options.accounts))
  await app.register(integrationRoutes(options.integrations))
}
