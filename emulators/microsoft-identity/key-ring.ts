import { createHash } from 'node:crypto'

import {
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose'

interface SigningKey {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: JWK
}

/**
 * RS256 signing keys with rotation. The newest key signs; older keys stay published (Entra keeps
 * retired keys in its JWKS for a while, clients re-fetch the JWKS on an unknown `kid`) until
 * dropped. Real keys carry `x5c` certificates too; the emulator publishes `n`/`e` only, which is
 * what jose, MSAL and botbuilder read. `kid` equals `x5t`, as on Entra.
 */
export class KeyRing {
  readonly #keys: SigningKey[] = []
  readonly #endorsements: readonly string[] | undefined

  private constructor(endorsements?: readonly string[]) {
    this.#endorsements = endorsements
  }

  /** `endorsements` are added to every published key (Bot Framework's channel keys). */
  static async create(endorsements?: readonly string[]): Promise<KeyRing> {
    const ring = new KeyRing(endorsements)
    await ring.rotate()
    return ring
  }

  /** Adds a new signing key; `dropOld` removes the previous keys from the JWKS at once. */
  async rotate(options: { dropOld?: boolean } = {}): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
    const spki = await exportSPKI(publicKey)
    const kid = createHash('sha1').update(spki).digest('base64url')
    const jwk = await exportJWK(publicKey)
    const publicJwk: JWK = { kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e }
    if (this.#endorsements) Object.assign(publicJwk, { endorsements: [...this.#endorsements] })
    if (options.dropOld) this.#keys.length = 0
    this.#keys.unshift({ kid, privateKey, publicJwk })
    return kid
  }

  get currentKid(): string {
    return this.#keys[0]!.kid
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((k) => ({ ...k.publicJwk })) }
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const key = this.#keys[0]!
    return new SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })
      .sign(key.privateKey)
  }

  /** A key resolver for `jwtVerify` over the published keys. */
  resolver(): JWTVerifyGetKey {
    return async (header) => {
      const key = this.#keys.find((k) => k.kid === header.kid)
      if (!key) throw new Error(`IDX10503: signing key '${header.kid ?? ''}' is not published`)
      return importJWK(key.publicJwk, 'RS256')
    }
  }
}
