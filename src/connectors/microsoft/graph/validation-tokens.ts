import { decodeJwt } from 'jose'

import { AuthenticationError } from '../../../core/errors.ts'

/**
 * Checks a JWT's signature (against the identity platform's published keys), lifetime, issuer and
 * audience, and returns its claims; throws otherwise. Implemented over identity's JwtVerifier.
 */
export type SignedTokenVerifier = (
  token: string,
  expect: { readonly issuer: readonly string[]; readonly audience: string },
) => Promise<Readonly<Record<string, unknown>>>

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
  // The tenant names the issuer to expect; the signature check below vouches for it.
  const issuers = issuersOf(unverifiedTenant(token), policy.authorityHost)
  let claims: Readonly<Record<string, unknown>>
  try {
    claims = await policy.verify(token, { issuer: issuers, audience: policy.clientId })
  } catch (cause) {
    throw new AuthenticationError('validation token is invalid', { cause })
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
  if (
    typeof tid !== 'string' ||
    !issuersOf(tid, policy.authorityHost).includes(String(claims['iss']))
  ) {
    throw new AuthenticationError('validation token issuer is not the tenant authority')
  }
  return tid.toLowerCase()
}

/** v1 tokens (what Graph sends today) and v2 tokens of the same tenant. */
const issuersOf = (tid: string, authorityHost: string) => [
  `https://sts.windows.net/${tid}/`,
  `${authorityHost.replace(/\/+$/, '')}/${tid}/v2.0`,
]

function unverifiedTenant(token: string): string {
  let tid: unknown
  try {
    tid = decodeJwt(token)['tid']
  } catch (cause) {
    throw new AuthenticationError('validation token is not a JWT', { cause })
  }
  if (typeof tid !== 'string' || !tid) throw new AuthenticationError('validation token has no tid')
  return tid
}
