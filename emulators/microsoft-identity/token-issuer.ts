import { createHash, randomBytes, randomUUID } from 'node:crypto'

import { jwtVerify } from 'jose'

import type { EmulatorClock } from '../kit/clock.ts'
import type { IdentityApp, IdentityUser } from './directory.ts'
import type { KeyRing } from './key-ring.ts'

export interface VerifiedAccessToken {
  appId: string
  tenantId: string
  scopes: string[]
  userId?: string
}

/** Microsoft's resource servers accept 5 minutes of clock skew (IdentityModel default). */
const CLOCK_SKEW_SECONDS = 300

/** A stable object id for the app's service principal in a tenant (the token's `oid`/`sub`). */
const servicePrincipalId = (appId: string, tenantId: string): string => {
  const h = createHash('sha256').update(`${appId}|${tenantId}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/**
 * Mints v1.0 access tokens the way Entra does for Graph and Bot Framework (both accept v1 tokens:
 * `iss https://sts.windows.net/{tid}/`, `appid`, `ver 1.0`; see
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference) and v2.0 ID
 * tokens whose issuer is this emulator's `{url}/{tid}/v2.0`, as its OpenID metadata says.
 */
export class TokenIssuer {
  lifetimeSeconds = 3599
  issuedCount = 0
  readonly #keys: KeyRing
  readonly #clock: EmulatorClock
  readonly #baseUrl: () => string

  constructor(keys: KeyRing, clock: EmulatorClock, baseUrl: () => string) {
    this.#keys = keys
    this.#clock = clock
    this.#baseUrl = baseUrl
  }

  #times(lifetime = this.lifetimeSeconds) {
    const now = this.#clock.nowSeconds()
    return { iat: now, nbf: now, exp: now + lifetime }
  }

  async appToken(app: IdentityApp, tenantId: string, audience: string): Promise<string> {
    const roles = app.appRoles?.[audience]
    const oid = servicePrincipalId(app.appId, tenantId)
    this.issuedCount += 1
    return this.#keys.sign({
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      ...this.#times(),
      appid: app.appId,
      appidacr: '1',
      idp: `https://sts.windows.net/${tenantId}/`,
      idtyp: 'app',
      oid,
      sub: oid,
      tid: tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      ...(roles?.length ? { roles } : {}),
    })
  }

  async userToken(
    app: IdentityApp,
    user: IdentityUser,
    audience: string,
    scopes: readonly string[],
  ): Promise<string> {
    this.issuedCount += 1
    return this.#keys.sign({
      aud: audience,
      iss: `https://sts.windows.net/${user.tenantId}/`,
      ...this.#times(),
      amr: ['pwd'],
      appid: app.appId,
      appidacr: '1',
      idtyp: 'user',
      name: user.displayName,
      oid: user.id,
      scp: scopes.join(' '),
      sub: createHash('sha256').update(`${app.appId}|${user.id}`).digest('base64url'),
      tid: user.tenantId,
      unique_name: user.upn,
      upn: user.upn,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
    })
  }

  async idToken(app: IdentityApp, user: IdentityUser, nonce?: string): Promise<string> {
    return this.#keys.sign({
      aud: app.appId,
      iss: `${this.#baseUrl()}/${user.tenantId}/v2.0`,
      ...this.#times(),
      name: user.displayName,
      oid: user.id,
      preferred_username: user.upn,
      sub: createHash('sha256').update(`${app.appId}|${user.id}|id`).digest('base64url'),
      tid: user.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
    })
  }

  async verify(token: string, expectedAudience: string): Promise<VerifiedAccessToken> {
    const { payload } = await jwtVerify(token, this.#keys.resolver(), {
      algorithms: ['RS256'],
      audience: expectedAudience,
      currentDate: this.#clock.now(),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'iat', 'tid', 'appid'],
    })
    const tenantId = String(payload['tid'])
    if (payload.iss !== `https://sts.windows.net/${tenantId}/`)
      throw new Error(`IDX10205: issuer '${String(payload.iss)}' is not valid`)
    const roles = payload['roles']
    const scp = payload['scp']
    const scopes = Array.isArray(roles)
      ? roles.map(String)
      : typeof scp === 'string'
        ? scp.split(' ').filter(Boolean)
        : []
    const delegated = payload['idtyp'] === 'user'
    return {
      appId: String(payload['appid']),
      tenantId,
      scopes,
      ...(delegated ? { userId: String(payload['oid']) } : {}),
    }
  }
}

export const newOpaqueToken = (): string => `0.A${randomBytes(48).toString('base64url')}`
export const newCorrelationId = (): string => randomUUID()
