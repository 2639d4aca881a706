import type { FastifyInstance } from 'fastify'

import { userJson } from '../state/directory.ts'
import { resolveUser } from './access.ts'
import { type GraphContext, principalOf } from './context.ts'
import { collection, offsetPage, queryOptions, topOf } from './odata.ts'

const config = (graphRoute: string) => ({ config: { graphRoute } })

/** `GET /users`, `/users/{id | userPrincipalName}` and `/me` (https://learn.microsoft.com/graph/api/user-get). */
export function registerUserRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  scope.get<{ Params: { userId: string } }>('/users/:userId', config('users.get'), async (req) => {
    const user = resolveUser(ctx, principalOf(req), req.params.userId)
    return { '@odata.context': `${ctx.baseUrl()}/$metadata#users/$entity`, ...userJson(user) }
  })

  scope.get('/me', config('users.get'), async (req) => {
    const user = resolveUser(ctx, principalOf(req), 'me')
    return { '@odata.context': `${ctx.baseUrl()}/$metadata#users/$entity`, ...userJson(user) }
  })

  // Directory lists default to 100 per page and allow up to 999.
  scope.get('/users', config('users.list'), async (req) => {
    const options = queryOptions(req, ['$top'])
    const users = ctx.directory.list().map(userJson)
    const page = offsetPage(req, ctx.baseUrl(), users, topOf(options, 100, 999), options)
    return collection(`${ctx.baseUrl()}/$metadata#users`, page)
  })
}
