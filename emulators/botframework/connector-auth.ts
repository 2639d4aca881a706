import type { FastifyRequest } from 'fastify'

/** What the connector needs from the identity emulator. */
export interface TokenVerifier {
  verifyAccessToken(
    token: string,
    expectedAudience: string,
  ): Promise<{ appId: string; tenantId: string; scopes: string[]; userId?: string }>
}

/** Bot → connector calls carry an Entra token for this audience (client credentials). */
export const CONNECTOR_AUDIENCE = 'https://api.botframework.com'

/**
 * The calling bot's app id, or undefined when the request must be answered 401: no bearer token,
 * a token the identity emulator did not issue, expired, for another audience, a user (delegated)
 * token, or for an app that is not a registered bot.
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#bot-to-connector)
 */
export async function authenticateBot(
  req: FastifyRequest,
  identity: TokenVerifier,
  isBot: (appId: string) => boolean,
): Promise<string | undefined> {
  const match = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')
  if (!match) return undefined
  try {
    const verified = await identity.verifyAccessToken(match[1]!, CONNECTOR_AUDIENCE)
    if (verified.userId !== undefined || !isBot(verified.appId)) return undefined
    return verified.appId
  } catch {
    return undefined
  }
}
