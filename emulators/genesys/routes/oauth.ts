import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { rawBody } from '../../kit/server.ts'
import type { EmulatorContext } from '../context.ts'
import { accessToken } from '../state/ids.ts'
import { failIfFaulted } from './guard.ts'

// Grants Genesys knows; asking for one the client lacks is `unauthorized_client`, not unsupported.
const KNOWN_GRANTS = new Set([
  'client_credentials',
  'authorization_code',
  'password',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
])

/**
 * Login errors use the OAuth shape with Genesys' duplicate `description` field and status 400,
 * as captured from login.{region}: `{"error":"invalid_client","description":"authentication failed",
 * "error_description":"authentication failed"}` (GForceIndustries/GCCX-Utils README;
 * tishige/CallFlowVisualizer#9).
 */
async function oauthError(reply: FastifyReply, error: string, description: string): Promise<void> {
  await reply.code(400).send({ error, description, error_description: description })
}

interface ClientCredentials {
  readonly clientId: string
  readonly clientSecret: string
}

function basicCredentials(header: string | undefined): ClientCredentials | 'malformed' | undefined {
  if (header === undefined) return undefined
  const match = /^basic\s+(\S+)$/i.exec(header.trim())
  if (!match) return 'malformed'
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0) return 'malformed'
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) }
}

async function token(ctx: EmulatorContext, req: FastifyRequest, reply: FastifyReply) {
  if (await failIfFaulted(ctx, 'genesys.oauth.token', reply)) return
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (type !== 'application/x-www-form-urlencoded')
    return oauthError(
      reply,
      'invalid_request',
      'content type must be application/x-www-form-urlencoded',
    )
  const form = new URLSearchParams(rawBody(req).toString('utf8'))
  const basic = basicCredentials(req.headers.authorization)
  const posted = form.has('client_id')
    ? { clientId: form.get('client_id') ?? '', clientSecret: form.get('client_secret') ?? '' }
    : undefined
  // RFC 6749 §2.3: a client must not use more than one authentication method per request.
  if (basic && posted) return oauthError(reply, 'invalid_request', 'multiple client credentials')
  const credentials = basic ?? posted
  if (credentials === undefined || credentials === 'malformed')
    return oauthError(reply, 'invalid_client', 'authentication failed')
  const grant = form.get('grant_type')
  if (!grant) return oauthError(reply, 'invalid_request', 'grant_type is required')
  const client = ctx.state.clients.get(credentials.clientId)
  if (!client) return oauthError(reply, 'invalid_client', 'client not found')
  if (client.clientSecret !== credentials.clientSecret)
    return oauthError(reply, 'invalid_client', 'authentication failed')
  if (!KNOWN_GRANTS.has(grant))
    return oauthError(reply, 'unsupported_grant_type', 'unsupported grant type')
  if (grant !== 'client_credentials' || !client.grantTypes.includes('client_credentials')) {
    const name = grant === 'client_credentials' ? 'client_credential' : grant
    return oauthError(
      reply,
      'unauthorized_client',
      `client is not authorized to use the ${name} grant type`,
    )
  }
  const value = accessToken()
  ctx.state.tokens.set(value, {
    token: value,
    clientId: client.clientId,
    orgId: client.orgId,
    permissions: client.permissions,
    expiresAtMs: ctx.clock.nowMs() + client.tokenTtlSeconds * 1000,
  })
  // A 24 h client answers `"expires_in": 86399` (same capture): one second less than the lifetime.
  await reply
    .header('cache-control', 'no-store')
    .send({ access_token: value, token_type: 'bearer', expires_in: client.tokenTtlSeconds - 1 })
}

export function registerOauthRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post('/oauth/token', (req, reply) => token(ctx, req, reply))
}
