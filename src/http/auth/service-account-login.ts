import { randomBytes } from 'node:crypto'

import type { FastifyInstance } from 'fastify'

import { AuthenticationError, InvalidInputError } from '../../core/errors.ts'
import type { SecretStore } from '../../core/ports/secrets.ts'

/** What the Teams connector offers for its delegated service account (authorization code + PKCE). */
export interface ServiceAccountLogins {
  begin(
    integrationId: string,
    redirectUri: string,
    state: string,
  ): Promise<{ url: string; codeVerifier: string }>
  complete(
    integrationId: string,
    code: string,
    codeVerifier: string,
    redirectUri: string,
  ): Promise<{ userId?: string }>
}

const PENDING_TTL_MS = 10 * 60 * 1000

/**
 * `GET /auth/microsoft/{integrationId}/login` sends the operator to Microsoft's sign-in;
 * `/callback` redeems the code. The PKCE verifier waits encrypted in the SecretStore, keyed by
 * an unguessable `state`, for at most ten minutes; the refresh token is stored encrypted by the
 * connector and never shown.
 */
export function serviceAccountLoginRoutes(options: {
  logins: ServiceAccountLogins
  secrets: SecretStore
  publicUrl: string
  now: () => number
}) {
  const callbackUrl = (id: string) => `${options.publicUrl}/auth/microsoft/${id}/callback`
  const params = {
    type: 'object',
    required: ['integrationId'],
    properties: { integrationId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  } as const

  return async (app: FastifyInstance) => {
    app.get<{ Params: { integrationId: string } }>(
      '/auth/microsoft/:integrationId/login',
      { schema: { tags: ['auth'], summary: 'Sign the Teams service account in', params } },
      async (request, reply) => {
        const { integrationId } = request.params
        const state = randomBytes(24).toString('base64url')
        const { url, codeVerifier } = await options.logins.begin(
          integrationId,
          callbackUrl(integrationId),
          state,
        )
        await options.secrets.put(
          pendingName(state),
          JSON.stringify({ codeVerifier, integrationId, at: options.now() }),
        )
        return reply.redirect(url, 302)
      },
    )

    app.get<{ Params: { integrationId: string }; Querystring: Record<string, string | undefined> }>(
      '/auth/microsoft/:integrationId/callback',
      { schema: { tags: ['auth'], summary: 'Where Microsoft returns after sign-in', params } },
      async (request) => {
        const { integrationId } = request.params
        const { code, state, error } = request.query
        if (error) throw new AuthenticationError(`sign-in was refused: ${error.slice(0, 100)}`)
        if (!code || !state || state.length > 100)
          throw new InvalidInputError('code and state are required')
        const name = pendingName(state)
        if (!(await options.secrets.has(name)))
          throw new AuthenticationError('unknown or expired sign-in')
        const pending = JSON.parse(await options.secrets.get(name)) as {
          codeVerifier: string
          integrationId: string
          at: number
        }
        await options.secrets.delete(name)
        if (
          pending.integrationId !== integrationId ||
          options.now() - pending.at > PENDING_TTL_MS
        ) {
          throw new AuthenticationError('unknown or expired sign-in')
        }
        const account = await options.logins.complete(
          integrationId,
          code,
          pending.codeVerifier,
          callbackUrl(integrationId),
        )
        return { status: 'signed in', userId: account.userId ?? null }
      },
    )
  }
}

const pendingName = (state: string) => `login-pending:${state}`
