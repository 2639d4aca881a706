import { type CryptoKey, generateKeyPair, SignJWT } from 'jose'

import type { BotFrameworkContext } from './context.ts'
import type { DeliveryFault } from './delivery-faults.ts'

/** Channel tokens live about an hour; bots allow 5 minutes of skew. */
const CHANNEL_TOKEN_SECONDS = 3600

/**
 * The `Authorization` header the Bot Framework channel puts on an activity it posts to a bot:
 * a JWT signed with a Bot Framework channel key, `iss https://api.botframework.com`, `aud` = the
 * bot's app id and a lowercase `serviceurl` claim equal to `activity.serviceUrl`
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication#connector-to-bot).
 */
export async function channelAuthorization(
  ctx: BotFrameworkContext,
  botAppId: string,
  fault: DeliveryFault | undefined,
): Promise<string | undefined> {
  if (fault === 'noToken') return undefined
  const now = ctx.clock.nowSeconds()
  const claims: Record<string, unknown> = {
    iss:
      fault === 'wrongIssuer' ? 'https://api.botframework.example' : 'https://api.botframework.com',
    aud: fault === 'wrongAudience' ? '00000000-0000-0000-0000-00000000dead' : botAppId,
    serviceurl: fault === 'wrongServiceUrl' ? 'https://smba.invalid/teams/' : ctx.serviceUrl,
    nbf: now,
    iat: now,
    exp: now + CHANNEL_TOKEN_SECONDS,
  }
  if (fault === 'expiredToken') {
    claims['nbf'] = now - 2 * CHANNEL_TOKEN_SECONDS
    claims['iat'] = now - 2 * CHANNEL_TOKEN_SECONDS
    claims['exp'] = now - 600
  }
  if (fault === 'badSignature') return `Bearer ${await signWithStrangerKey(claims)}`
  const keySet = fault === 'entraKey' ? 'entra' : 'botframework'
  return `Bearer ${await ctx.identity.signJwt(claims, { keySet })}`
}

let stranger: CryptoKey | undefined

/** A key the identity emulator never published (the header still names a plausible `kid`). */
async function signWithStrangerKey(claims: Record<string, unknown>): Promise<string> {
  stranger ??= (await generateKeyPair('RS256')).privateKey
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: 'unpublished-key' })
    .sign(stranger)
}
