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
  if (fault !== undefined) return `Bearer ${await ctx.identity.signJwt(claims, { keySet })}`
  return `Bearer ${await reusedToken(ctx, botAppId, claims)}`
}

/**
 * The channel signs a token once and puts it on every activity for the same bot until it nears
 * its expiry, as a token issuer does (botbuilder keeps its own outbound token until about five
 * minutes before `exp`): one signature an hour per bot, not one per activity.
 */
const REUSE_MARGIN_SECONDS = 5 * 60
const issued = new WeakMap<BotFrameworkContext, Map<string, { token: string; exp: number }>>()

async function reusedToken(
  ctx: BotFrameworkContext,
  botAppId: string,
  claims: Record<string, unknown>,
): Promise<string> {
  let byKey = issued.get(ctx)
  if (!byKey) issued.set(ctx, (byKey = new Map()))
  const key = `${botAppId}\n${ctx.serviceUrl}`
  const now = ctx.clock.nowSeconds()
  const held = byKey.get(key)
  // The clock may move back in tests: a token from the future is not reused either.
  if (held && held.exp - REUSE_MARGIN_SECONDS > now && held.exp - CHANNEL_TOKEN_SECONDS <= now) {
    return held.token
  }
  const token = await ctx.identity.signJwt(claims, { keySet: 'botframework' })
  byKey.set(key, { token, exp: claims['exp'] as number })
  return token
}

let stranger: CryptoKey | undefined

/** A key the identity emulator never published (the header still names a plausible `kid`). */
async function signWithStrangerKey(claims: Record<string, unknown>): Promise<string> {
  stranger ??= (await generateKeyPair('RS256')).privateKey
  return new SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: 'unpublished-key' })
    .sign(stranger)
}
