import { AuthenticationError } from '../../../core/errors.ts'

/**
 * Checks the signature (against the identity platform's published keys) and the lifetime of a
 * JWT and returns its claims; throws otherwise. Implemented over identity's JWT verifier.
 */
export type SignedTokenVerifier = (token: string) => Promise<Readonly<Record<string, unknown>>>

/**
 * The app id of Graph's change-notification publisher. "Critical: check that the appid property
 * in the token matches the expected value." (change-notifications-with-resource-data, How to
 * validate). v2 tokens name the caller in `azp` instead of `appid`.
 */
export const GRAPH_NOTIFICATION_PUBLISHER = '0bf30f3b-4a52-48df-9a82-234910c4a086'

export interface ValidationTokenPolicy {
  /** Our app registration (the token's audience). */
  readonly clientId: string
  /** For the v2 issuer form `{authorityHost}/{tid}/v2.0`. */
  readonly authorityHost: string
  readonly verify: SignedTokenVerifier
}

/**
 * Validates every `validationTokens` entry of a rich notification collection and checks that each
 * tenant with rich items is vouched for by one of them. Any failing token fails the whole body,
 * as the docs advise ("If any tokens fail, consider the change notification suspicious").
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data#how-to-validate
 */
export async function checkValidationTokens(
  tokens: readonly string[],
  richTenantIds: ReadonlySet<string>,
  policy: ValidationTokenPolicy,
): Promise<void> {
  if (richTenantIds.size === 0) return
  if (tokens.length === 0)
    throw new AuthenticationError('rich notification without validation tokens')
  const vouched = new Set<string>()
  for (const token of tokens) vouched.add(await checkOne(token, policy))
  for (const tenantId of richTenantIds) {
    if (!vouched.has(tenantId.toLowerCase())) {
      throw new AuthenticationError('no validation token for the notification tenant')
    }
  }
}

async function checkOne(token: string, policy: ValidationTokenPolicy): Promise<string> {
  let claims: Readonly<Record<string, unknown>>
  try {
    claims = await policy.verify(token)
  } catch (cause) {
    throw new AuthenticationError('validation token signature or lifetime is invalid', { cause })
  }
  const aud = claims['aud']
  const audiences = Array.isArray(aud) ? aud : [aud]
  if (!audiences.includes(policy.clientId)) {
    throw new AuthenticationError('validation token was issued for another app')
  }
  const publisher = claims['appid'] ?? claims['azp']
  if (publisher !== GRAPH_NOTIFICATION_PUBLISHER) {
    throw new AuthenticationError('validation token was not issued to Graph change notifications')
  }
  const tid = claims['tid']
  if (typeof tid !== 'string' || !tid) throw new AuthenticationError('validation token has no tid')
  // v1 tokens (what Graph sends today) and v2 tokens of the same tenant.
  const issuers = [
    `https://sts.windows.net/${tid}/`,
    `${policy.authorityHost.replace(/\/+$/, '')}/${tid}/v2.0`,
  ]
  if (!issuers.includes(String(claims['iss']))) {
    throw new AuthenticationError('validation token issuer is not the tenant authority')
  }
  return tid.toLowerCase()
}
