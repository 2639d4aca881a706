import { createHash } from 'node:crypto'

import type { EmulatorClock } from '../kit/clock.ts'
import { type AadError, aadsts } from './aadsts.ts'
import { newOpaqueToken } from './token-issuer.ts'

export interface DelegatedGrant {
  readonly appId: string
  readonly userId: string
  readonly resource: string
  readonly scopes: readonly string[]
  readonly oidc: readonly string[]
}

interface AuthCode extends DelegatedGrant {
  readonly redirectUri: string
  readonly challenge?: string
  readonly challengeMethod?: string
  readonly nonce?: string
  readonly expiresAt: number
  redeemed: boolean
}

interface RefreshGrant extends DelegatedGrant {
  expiresAt: number
  revoked: boolean
}

/** Entra auth codes live about 10 minutes and are single use (AADSTS54005 on reuse). */
const CODE_LIFETIME_MS = 10 * 60_000
/** Refresh tokens: 90 days sliding inactivity window. */
const REFRESH_LIFETIME_MS = 90 * 24 * 3600_000

/** Authorization codes and refresh tokens issued for the delegated flows. */
export class GrantStore {
  readonly #codes = new Map<string, AuthCode>()
  readonly #refresh = new Map<string, RefreshGrant>()
  readonly #clock: EmulatorClock

  constructor(clock: EmulatorClock) {
    this.#clock = clock
  }

  issueCode(
    grant: DelegatedGrant,
    extra: { redirectUri: string; challenge?: string; challengeMethod?: string; nonce?: string },
  ): string {
    const code = newOpaqueToken()
    const expiresAt = this.#clock.nowMs() + CODE_LIFETIME_MS
    this.#codes.set(code, { ...grant, ...extra, expiresAt, redeemed: false })
    return code
  }

  /** Redeems a code with the checks Entra makes, in its order. */
  redeemCode(
    code: string,
    appId: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): (DelegatedGrant & { nonce?: string }) | AadError {
    const entry = this.#codes.get(code)
    if (!entry) return aadsts.malformedGrant()
    if (entry.redeemed) return aadsts.codeRedeemed()
    if (entry.expiresAt <= this.#clock.nowMs()) return aadsts.grantExpired()
    if (entry.appId !== appId) return aadsts.grantForOtherClient()
    if (redirectUri !== entry.redirectUri) return aadsts.redirectMismatch(redirectUri ?? '', appId)
    if (entry.challenge !== undefined && !pkceMatches(entry, verifier)) return aadsts.pkceMismatch()
    entry.redeemed = true
    return entry
  }

  issueRefresh(grant: DelegatedGrant): string {
    const token = newOpaqueToken()
    const expiresAt = this.#clock.nowMs() + REFRESH_LIFETIME_MS
    this.#refresh.set(token, { ...grant, expiresAt, revoked: false })
    return token
  }

  redeemRefresh(token: string, appId: string): DelegatedGrant | AadError {
    const entry = this.#refresh.get(token)
    if (!entry) return aadsts.malformedGrant()
    if (entry.revoked) return aadsts.grantRevoked()
    if (entry.expiresAt <= this.#clock.nowMs()) return aadsts.grantExpired()
    if (entry.appId !== appId) return aadsts.grantForOtherClient()
    return entry
  }

  /** Revokes every refresh token of a user (a password reset or admin revoke). */
  revokeUser(userId: string): number {
    let count = 0
    for (const grant of this.#refresh.values())
      if (grant.userId === userId && !grant.revoked) {
        grant.revoked = true
        count += 1
      }
    return count
  }
}

function pkceMatches(entry: AuthCode, verifier: string | undefined): boolean {
  if (!verifier) return false
  if (entry.challengeMethod === 'plain') return verifier === entry.challenge
  return createHash('sha256').update(verifier).digest('base64url') === entry.challenge
}
