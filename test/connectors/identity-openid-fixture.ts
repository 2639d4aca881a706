import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'

export interface TestSigner {
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly publicJwk: Record<string, unknown>
}

export async function testSigner(kid: string, endorsements?: string[]): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', endorsements }
  return { kid, privateKey, publicJwk }
}

export function signToken(
  signer: TestSigner,
  claims: JWTPayload & Record<string, unknown>,
  options: { iat: number; exp: number; kid?: string },
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? signer.kid })
    .setIssuedAt(options.iat)
    .setNotBefore(options.iat)
    .setExpirationTime(options.exp)
    .sign(signer.privateKey)
}

export interface OpenIdServer {
  readonly metadataUrl: string
  /** The keys published now; replace to rotate. */
  keys: TestSigner[]
  /** How many times the JWKS was read. */
  readonly jwksReads: number
  close(): Promise<void>
}

/** Serves an OpenID metadata document and its JWKS over plain HTTP on port 0. */
export async function startOpenIdServer(issuer: string, keys: TestSigner[]): Promise<OpenIdServer> {
  let jwksReads = 0
  const state = { keys }
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/openidconfiguration') {
      res.end(
        JSON.stringify({
          issuer,
          jwks_uri: `${base}/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
      )
    } else if (req.url === '/keys') {
      jwksReads += 1
      res.end(JSON.stringify({ keys: state.keys.map((k) => k.publicJwk) }))
    } else {
      res.statusCode = 404
      res.end('{}')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    metadataUrl: `${base}/.well-known/openidconfiguration`,
    get keys() {
      return state.keys
    },
    set keys(next) {
      state.keys = next
    },
    get jwksReads() {
      return jwksReads
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
