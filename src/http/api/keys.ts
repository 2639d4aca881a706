import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'

import { NotFoundError } from '../../core/errors.ts'
import { API_SCOPES, type ApiKey, apiKeyId, requireScope } from '../../core/model/account.ts'
import type { AccountAdmin } from '../../flows/admin/accounts.ts'
import { principalOf } from './principal.ts'

const security = [{ bearer: [] }]
const tags = ['account']

const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
})

const keyBody = (key: ApiKey) => ({
  id: key.id,
  name: key.name,
  scopes: [...key.scopes],
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
})

/** `/api/v1/account` and `/api/v1/keys`: who am I, and the account's own keys. */
export function accountRoutes(accounts: AccountAdmin) {
  return async (parent: FastifyInstance) => {
    const app = parent.withTypeProvider<ZodTypeProvider>()

    app.get(
      '/api/v1/account',
      {
        schema: {
          tags,
          security,
          summary: 'The account and key making this call',
          response: {
            200: z.object({
              id: z.string(),
              name: z.string(),
              key: z.object({ id: z.string(), scopes: z.array(z.string()) }),
            }),
          },
        },
      },
      async (request) => {
        const principal = principalOf(request)
        const account = await accounts.account(principal.accountId)
        if (!account) throw new NotFoundError('no such account')
        return {
          id: account.id,
          name: account.name,
          key: { id: principal.keyId, scopes: [...principal.scopes] },
        }
      },
    )

    app.get(
      '/api/v1/keys',
      {
        schema: {
          tags,
          security,
          summary: 'The account’s API keys (never their secrets)',
          response: { 200: z.object({ items: z.array(keySchema) }) },
        },
      },
      async (request) => {
        const principal = principalOf(request)
        requireScope(principal, 'keys:write')
        return { items: (await accounts.listKeys(principal.accountId)).map(keyBody) }
      },
    )

    app.post(
      '/api/v1/keys',
      {
        schema: {
          tags,
          security,
          summary: 'Create a key with some of the caller’s scopes; the key is shown only here',
          body: z
            .object({
              name: z.string().trim().min(1).max(100),
              scopes: z.array(z.enum(API_SCOPES)).min(1).max(API_SCOPES.length),
            })
            .strict(),
          response: { 201: keySchema.extend({ key: z.string().describe('shown once') }) },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request)
        requireScope(principal, 'keys:write')
        const issued = await accounts.createKeyAs(principal, request.body.name, request.body.scopes)
        reply.code(201)
        return { ...keyBody(issued.key), key: issued.token }
      },
    )

    app.delete(
      '/api/v1/keys/:keyId',
      {
        schema: {
          tags,
          security,
          summary: 'Revoke a key at once',
          params: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/, 'a key id') }).strict(),
          response: { 204: z.null().describe('revoked') },
        },
      },
      async (request, reply) => {
        const principal = principalOf(request)
        requireScope(principal, 'keys:write')
        await accounts.revokeKey(principal.accountId, apiKeyId(request.params.keyId))
        return reply.code(204).send(null)
      },
    )
  }
}
