import { z } from 'zod'

import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'
import type { RawRequest } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { type JwtVerifier, jwtVerifiers } from '../identity/jwt.ts'

/** Issuer of tokens the Bot Connector sends to bots. */
export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com'

const routing = z.object({ serviceUrl: z.string().min(1), channelId: z.string().min(1) })

/** Parses the body just far enough for the auth checks; malformed → InvalidInputError. */
export function routingOf(rawBody: Buffer): z.infer<typeof routing> {
  let json: unknown
  try {
    json = JSON.parse(rawBody.toString('utf8'))
  } catch {
    throw new InvalidInputError('activity is not JSON')
  }
  const parsed = routing.safeParse(json)
  if (!parsed.success) throw new InvalidInputError('activity has no serviceUrl or channelId')
  return parsed.data
}

export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization?.trim() ?? '')
  if (!match?.[1]) throw new AuthenticationError('bearer token missing')
  return match[1]
}

/**
 * The Connector → bot checks of
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication
 * ("Connector to bot"): RS256 signature by a key from the OpenID metadata, issuer
 * `https://api.botframework.com`, audience = the bot's app id, 5-minute skew (all in the
 * verifier), the signing key endorsed for the activity's channelId, and the `serviceurl` claim
 * equal to the activity's serviceUrl (botbuilder-js `ChannelValidation`, exact comparison).
 * The endorsement is required, not only checked when present: a key the metadata does not
 * endorse for Teams must not vouch for Teams traffic.
 */
export async function verifyConnectorRequest(
  verifier: JwtVerifier,
  botAppId: string,
  authorization: string | undefined,
  rawBody: Buffer,
): Promise<void> {
  const token = bearerToken(authorization)
  const { claims, endorsements } = await verifier.verify(token, {
    issuer: BOT_CONNECTOR_ISSUER,
    audience: botAppId,
  })
  const activity = routingOf(rawBody)
  if (!endorsements?.includes(activity.channelId)) {
    throw new AuthenticationError('signing key not endorsed for the channel', {
      details: { channelId: activity.channelId },
    })
  }
  const serviceUrlClaim = claims['serviceurl'] ?? claims['serviceUrl']
  if (serviceUrlClaim !== activity.serviceUrl) {
    throw new AuthenticationError('serviceurl claim does not match the activity')
  }
}

/** The bot a Connector request is addressed to, and where its signing keys are published. */
export interface ConnectorAudience {
  readonly appId: string
  readonly openIdMetadataUrl: string
}

/**
 * verifyConnectorRequest for a webhook: each OpenID metadata URL keeps one verifier (and so its
 * cached keys) across requests, whichever bot integration the request is for.
 */
export function connectorRequestVerifier(
  deps: Pick<ConnectorDeps, 'http' | 'clock'>,
): (bot: ConnectorAudience, req: RawRequest) => Promise<void> {
  const verifierFor = jwtVerifiers(deps)
  return (bot, req) =>
    verifyConnectorRequest(
      verifierFor(bot.openIdMetadataUrl),
      bot.appId,
      req.headers['authorization'],
      req.rawBody,
    )
}
