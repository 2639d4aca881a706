import type { FastifyInstance } from 'fastify'

import type { EmulatorClock } from '../kit/clock.ts'
import type { FaultInjector } from '../kit/faults.ts'
import { applyFault } from '../kit/server.ts'
import { type AadError, aadErrorBody, aadsts } from './aadsts.ts'
import {
  type Directory,
  type IdentityUser,
  isAadError,
  MULTI_TENANT_SEGMENTS,
} from './directory.ts'
import type { GrantStore } from './grant-store.ts'
import { parseDelegatedScopes, resolveResource } from './resources.ts'
import { sendAadError } from './token-route.ts'

export interface AuthorizeDeps {
  readonly directory: Directory
  readonly grants: GrantStore
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
  /** The user who "signs in" when the request has no `login_hint` (set by the control API). */
  readonly signedInUser: () => IdentityUser | undefined
}

/**
 * `GET /{tenant}/oauth2/v2.0/authorize` (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
 * The emulator has no sign-in page: it approves at once as the `login_hint` user or the user set
 * with `control.signIn`, and answers 302 to `redirect_uri?code=…&state=…`. Errors that make the
 * redirect URI untrustworthy (unknown tenant/app, unregistered redirect URI) are a 400 page, as
 * on Entra; the others go back to the redirect URI as `error`/`error_description`.
 */
export function registerAuthorizeRoute(app: FastifyInstance, deps: AuthorizeDeps): void {
  const { directory, clock } = deps
  app.get('/:tenant/oauth2/v2.0/authorize', async (req, reply) => {
    if (await applyFault(deps.faults, 'identity.authorize', reply)) return reply
    const { tenant } = req.params as { tenant: string }
    const q = req.query as Record<string, string | undefined>
    const multiTenant = MULTI_TENANT_SEGMENTS.has(tenant.toLowerCase())
    const tenantId = multiTenant ? undefined : directory.tenantId(tenant)
    if (!multiTenant && !tenantId) return sendAadError(reply, aadsts.tenantNotFound(tenant), clock)
    if (!q['client_id']) return sendAadError(reply, aadsts.missingParameter('client_id'), clock)
    const client = tenantId
      ? directory.appInTenant(q['client_id'], tenantId, tenant)
      : (directory.apps.get(q['client_id']) ?? aadsts.appNotFound(q['client_id'], tenant))
    if (isAadError(client)) return sendAadError(reply, client, clock)
    const redirectUri = q['redirect_uri'] ?? ''
    if (!client.redirectUris?.includes(redirectUri))
      return sendAadError(reply, aadsts.redirectMismatch(redirectUri, client.appId), clock)

    const back = (params: Record<string, string | undefined>) => {
      const target = new URL(redirectUri)
      for (const [k, v] of Object.entries({ ...params, state: q['state'] }))
        if (v !== undefined) target.searchParams.set(k, v)
      return reply.redirect(target.toString(), 302)
    }
    const fail = (err: AadError) => {
      const body = aadErrorBody(err, clock.now())
      return back({ error: body.error, error_description: body.error_description })
    }

    if (q['response_type'] !== 'code')
      return fail(aadsts.unsupportedResponseType(q['response_type'] ?? ''))
    if (!q['scope']) return fail(aadsts.missingParameter('scope'))
    const scopes = parseDelegatedScopes(q['scope'])
    if (!scopes) return fail(aadsts.invalidScope(q['scope']))
    const audience = resolveResource(scopes.resource, (id) => directory.apps.has(id))
    if (!audience) return fail(aadsts.resourceNotFound(scopes.resource, tenant))
    const method = q['code_challenge'] ? (q['code_challenge_method'] ?? 'plain') : undefined
    if (method !== undefined && method !== 'S256' && method !== 'plain')
      return fail(aadsts.invalidChallengeMethod())

    const user = q['login_hint'] ? directory.userByUpn(q['login_hint']) : deps.signedInUser()
    if (!user) return fail(aadsts.noSignedInUser())
    if (tenantId && user.tenantId !== tenantId)
      return fail(aadsts.userNotInTenant(user.upn, tenant))

    const code = deps.grants.issueCode(
      {
        appId: client.appId,
        userId: user.id,
        resource: audience,
        scopes: scopes.names,
        oidc: scopes.oidc,
      },
      {
        redirectUri,
        ...(q['code_challenge'] ? { challenge: q['code_challenge'], challengeMethod: method } : {}),
        ...(q['nonce'] ? { nonce: q['nonce'] } : {}),
      },
    )
    return back({ code, client_info: clientInfo(user) })
  })
}

const clientInfo = (user: IdentityUser) =>
  Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url')
