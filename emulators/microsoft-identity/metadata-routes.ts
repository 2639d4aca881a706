import type { FastifyInstance, FastifyReply } from 'fastify'

import type { EmulatorClock } from '../kit/clock.ts'
import type { FaultInjector } from '../kit/faults.ts'
import { applyFault } from '../kit/server.ts'
import { aadsts } from './aadsts.ts'
import { type Directory, MULTI_TENANT_SEGMENTS } from './directory.ts'
import type { KeyRing } from './key-ring.ts'
import { sendAadError } from './token-route.ts'

export interface MetadataDeps {
  readonly directory: Directory
  readonly entraKeys: KeyRing
  readonly botFrameworkKeys: KeyRing
  readonly faults: FaultInjector
  readonly clock: EmulatorClock
  readonly baseUrl: () => string
}

/**
 * OpenID metadata and JWKS. Entra's v2 document (https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration)
 * names the tenant by GUID in every endpoint and `{tenantid}` for common/organizations. MSAL
 * requires `authorization_endpoint`, `token_endpoint`, `issuer`, `jwks_uri` and checks that the
 * issuer's origin equals the authority's, so `issuer` is `{emulator url}/{tid}/v2.0`.
 * Bot Framework's channel metadata (https://login.botframework.com/v1/.well-known/openidconfiguration)
 * is served under `/botframework/v1/...`, its keys carry `endorsements` (channel ids).
 */
export function registerMetadataRoutes(app: FastifyInstance, deps: MetadataDeps): void {
  const { directory, clock } = deps
  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    if (await applyFault(deps.faults, 'identity.metadata', reply)) return reply
    const { tenant } = req.params as { tenant: string }
    const multi = MULTI_TENANT_SEGMENTS.has(tenant.toLowerCase())
    const tid = multi ? '{tenantid}' : directory.tenantId(tenant)
    if (!tid) return sendAadError(reply, aadsts.tenantNotFound(tenant), clock)
    const base = `${deps.baseUrl()}/${multi ? tenant.toLowerCase() : tid}`
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${deps.baseUrl()}/${tid}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'oid', 'tid', 'ver'],
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    }
  })

  const keys = async (tenant: string, reply: FastifyReply) => {
    if (await applyFault(deps.faults, 'identity.keys', reply)) return reply
    if (!MULTI_TENANT_SEGMENTS.has(tenant.toLowerCase()) && !directory.tenantId(tenant))
      return sendAadError(reply, aadsts.tenantNotFound(tenant), clock)
    return deps.entraKeys.jwks()
  }
  app.get('/:tenant/discovery/v2.0/keys', (req, reply) =>
    keys((req.params as { tenant: string }).tenant, reply),
  )
  app.get('/:tenant/discovery/keys', (req, reply) =>
    keys((req.params as { tenant: string }).tenant, reply),
  )

  app.get('/botframework/v1/.well-known/openidconfiguration', async (_req, reply) => {
    if (await applyFault(deps.faults, 'botframework.metadata', reply)) return reply
    return {
      issuer: 'https://api.botframework.com',
      authorization_endpoint: 'https://invalid.botframework.com',
      jwks_uri: `${deps.baseUrl()}/botframework/v1/.well-known/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    }
  })
  app.get('/botframework/v1/.well-known/keys', async (_req, reply) => {
    if (await applyFault(deps.faults, 'botframework.keys', reply)) return reply
    return deps.botFrameworkKeys.jwks()
  })
}
