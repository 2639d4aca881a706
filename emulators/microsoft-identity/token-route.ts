import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { EmulatorClock } from '../kit/clock.ts'
import type { FaultInjector } from '../kit/faults.ts'
import { applyFault, rawBody } from '../kit/server.ts'
import { type AadError, aadErrorBody, aadsts } from './aadsts.ts'
import { type Directory, type IdentityApp, isAadError, MULTI_TENANT_SEGMENTS } from './directory.ts'
import type { DelegatedGrant, GrantStore } from './grant-store.ts'
import { resolveResource } from './resources.ts'
import type { TokenIssuer } from './token-issuer.ts'

export interface TokenRouteDeps {
  readonly directory: Directory
  readonly grants: GrantStore
  readonly issuer: TokenIssuer
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
}

export const sendAadError = (reply: FastifyReply, err: AadError, clock: EmulatorClock) =>
  reply
    .code(err.status)
    .header('cache-control', 'no-store, no-cache')
    .send(aadErrorBody(err, clock.now()))

/** Client id and secret from the form or from HTTP Basic (client_secret_basic). */
function clientCredentials(req: FastifyRequest, form: URLSearchParams) {
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')
    return { clientId: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') }
  }
  return {
    clientId: form.get('client_id') ?? undefined,
    secret: form.get('client_secret') ?? undefined,
  }
}

/**
 * `POST /{tenant}/oauth2/v2.0/token`: client_credentials, authorization_code (+PKCE) and
 * refresh_token grants (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
 */
export function registerTokenRoute(app: FastifyInstance, deps: TokenRouteDeps): void {
  const { clock } = deps
  app.post('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    if (await applyFault(deps.faults, 'identity.token', reply)) return reply
    const { tenant } = req.params as { tenant: string }
    const form = new URLSearchParams(rawBody(req).toString('utf8'))
    const result = await issue(deps, req, tenant, form)
    if (isAadError(result)) return sendAadError(reply, result, clock)
    return reply
      .header('cache-control', 'no-store, no-cache')
      .header('pragma', 'no-cache')
      .send(result)
  })
}

async function issue(
  deps: TokenRouteDeps,
  req: FastifyRequest,
  tenantSegment: string,
  form: URLSearchParams,
): Promise<Record<string, unknown> | AadError> {
  const { directory, clock } = deps
  const multiTenant = MULTI_TENANT_SEGMENTS.has(tenantSegment.toLowerCase())
  const tenantId = multiTenant ? undefined : directory.tenantId(tenantSegment)
  if (!multiTenant && !tenantId) return aadsts.tenantNotFound(tenantSegment)
  const grantType = form.get('grant_type')
  if (!grantType) return aadsts.missingParameter('grant_type')
  const { clientId, secret } = clientCredentials(req, form)
  if (!clientId) return aadsts.missingParameter('client_id')
  const client = tenantId
    ? directory.appInTenant(clientId, tenantId, tenantSegment)
    : (directory.apps.get(clientId) ?? aadsts.appNotFound(clientId, tenantSegment))
  if (isAadError(client)) return client
  const secretError = directory.checkSecret(client, secret, clock.nowMs())
  if (secretError) return secretError

  if (grantType === 'client_credentials') {
    if (!tenantId) return aadsts.noTenantInfo()
    return clientCredentialsGrant(deps, client, tenantId, tenantSegment, form)
  }
  if (grantType === 'authorization_code') {
    const code = form.get('code')
    if (!code) return aadsts.missingParameter('code')
    const grant = deps.grants.redeemCode(
      code,
      client.appId,
      form.get('redirect_uri') ?? undefined,
      form.get('code_verifier') ?? undefined,
    )
    if (isAadError(grant)) return grant
    return delegatedResponse(deps, client, grant, tenantId, grant.nonce)
  }
  if (grantType === 'refresh_token') {
    const token = form.get('refresh_token')
    if (!token) return aadsts.missingParameter('refresh_token')
    const grant = deps.grants.redeemRefresh(token, client.appId)
    if (isAadError(grant)) return grant
    return delegatedResponse(deps, client, grant, tenantId)
  }
  return aadsts.unsupportedGrant(grantType)
}

async function clientCredentialsGrant(
  deps: TokenRouteDeps,
  client: IdentityApp,
  tenantId: string,
  tenantSegment: string,
  form: URLSearchParams,
): Promise<Record<string, unknown> | AadError> {
  const scope = form.get('scope')
  if (!scope) return aadsts.missingParameter('scope')
  if (!scope.endsWith('/.default') || scope.trim().includes(' '))
    return aadsts.defaultScopeRequired(scope)
  const resource = scope.slice(0, -'/.default'.length)
  const audience = resolveResource(resource, (id) => deps.directory.apps.has(id))
  if (!audience) return aadsts.resourceNotFound(resource, tenantSegment)
  const accessToken = await deps.issuer.appToken(client, tenantId, audience)
  const lifetime = deps.issuer.lifetimeSeconds
  return {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  }
}

async function delegatedResponse(
  deps: TokenRouteDeps,
  client: IdentityApp,
  grant: DelegatedGrant,
  tenantId: string | undefined,
  nonce?: string,
): Promise<Record<string, unknown> | AadError> {
  const user = deps.directory.users.get(grant.userId)
  if (!user) return aadsts.grantRevoked()
  if (tenantId && user.tenantId !== tenantId) return aadsts.userNotInTenant(user.upn, tenantId)
  const accessToken = await deps.issuer.userToken(client, user, grant.resource, grant.scopes)
  const lifetime = deps.issuer.lifetimeSeconds
  const scopes = [...grant.scopes.map((s) => `${grant.resource}/${s}`), ...grant.oidc]
  const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString(
    'base64url',
  )
  return {
    token_type: 'Bearer',
    scope: scopes.join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
    ...(grant.oidc.includes('offline_access')
      ? { refresh_token: deps.grants.issueRefresh(grant) }
      : {}),
    ...(grant.oidc.includes('openid')
      ? { id_token: await deps.issuer.idToken(client, user, nonce) }
      : {}),
    client_info: clientInfo,
  }
}
