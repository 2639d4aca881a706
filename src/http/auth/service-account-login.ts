import type { FastifyInstance } from 'fastify'
import { z } from 'zod'

import { AuthenticationError, InvalidInputError } from '../../core/errors.ts'

/** What the Teams connector offers for its delegated service account (authorization code + PKCE). */
export interface ServiceAccountLogins {
  /** `state` makes the OAuth state from the PKCE verifier. */
  begin(
    integrationId: string,
    redirectUri: string,
    state: (codeVerifier: string) => string,
  ): Promise<{ url: string }>
  complete(
    integrationId: string,
    code: string,
    codeVerifier: string,
    redirectUri: string,
  ): Promise<{ userId?: string }>
}

const PENDING_TTL_MS = 10 * 60 * 1000
/** A sealed state is ~200 characters; anything much longer is not one of ours. */
const MAX_STATE_LENGTH = 1024
const STATE_CONTEXT = 'service-account-sign-in-state'

/** Authenticated encryption (the SecretStore's cipher); `context` keeps uses apart. */
export interface StateCipher {
  encrypt(plaintext: string, context: string): string
  decrypt(sealed: string, context: string): string
}

const pendingSignIn = z.object({
  codeVerifier: z.string().min(43).max(128),
  integrationId: z.string(),
  at: z.number(),
})

/**
 * `GET /auth/microsoft/{integrationId}/login` sends the operator to Microsoft's sign-in;
 * `/callback` redeems the code. The PKCE verifier travels in `state`, sealed (AES-256-GCM) with
 * the integration id and the time, so the sign-in stores nothing before it succeeds: anybody can
 * open /login, and a stored pending sign-in per request would let anybody fill the store. The
 * refresh token is stored encrypted by the connector and never shown.
 */
export function serviceAccountLoginRoutes(options: {
  logins: ServiceAccountLogins
  cipher: StateCipher
  publicUrl: string
  now: () => number
}) {
  const callbackUrl = (id: string) => `${options.publicUrl}/auth/microsoft/${id}/callback`
  const params = {
    type: 'object',
    required: ['integrationId'],
    properties: { integrationId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
  } as const

  const seal = (pending: z.infer<typeof pendingSignIn>) =>
    options.cipher.encrypt(JSON.stringify(pending), STATE_CONTEXT)
  const open = (state: string) => {
    try {
      const parsed = pendingSignIn.safeParse(
        JSON.parse(options.cipher.decrypt(state, STATE_CONTEXT)),
      )
      return parsed.success ? parsed.data : undefined
    } catch {
      return undefined
    }
  }

  return async (app: FastifyInstance) => {
    app.get<{ Params: { integrationId: string } }>(
      '/auth/microsoft/:integrationId/login',
      { schema: { tags: ['auth'], summary: 'Sign the Teams service account in', params } },
      async (request, reply) => {
        const { integrationId } = request.params
        const { url } = await options.logins.begin(
          integrationId,
          callbackUrl(integrationId),
          (codeVerifier) => seal({ codeVerifier, integrationId, at: options.now() }),
        )
        return reply.redirect(url, 302)
      },
    )

    app.get<{ Params: { integrationId: string }; Querystring: Record<string, unknown> }>(
      '/auth/microsoft/:integrationId/callback',
      { schema: { tags: ['auth'], summary: 'Where Microsoft returns after sign-in', params } },
      async (request) => {
        const { integrationId } = request.params
        const { code, state, error } = request.query
        if (error !== undefined)
          throw new AuthenticationError(`sign-in was refused: ${String(error).slice(0, 100)}`)
        if (typeof code !== 'string' || !code || typeof state !== 'string' || !state)
          throw new InvalidInputError('code and state are required, once each')
        const pending = state.length <= MAX_STATE_LENGTH ? open(state) : undefined
        const age = pending ? options.now() - pending.at : Infinity
        if (!pending || pending.integrationId !== integrationId || age < 0 || age > PENDING_TTL_MS)
          throw new AuthenticationError('unknown or expired sign-in')
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
