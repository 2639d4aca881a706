import { generateKeyPair, jwtVerify, type KeyObject, SignJWT } from 'jose'

import type { GraphIdentity, GraphPrincipal } from '../types.ts'

/**
 * A stand-in for the identity emulator in this folder's tests: RS256 tokens with Entra-style
 * claims (`appid`, `tid`, `oid`, `scp` for delegated, `roles` for application).
 */
export interface FakeIdentity {
  readonly identity: GraphIdentity
  readonly publicKey: KeyObject
  appToken(
    appId: string,
    tenantId: string,
    opts?: { audience?: string; expiresInSeconds?: number },
  ): Promise<string>
  userToken(appId: string, tenantId: string, userId: string): Promise<string>
}

export async function createFakeIdentity(): Promise<FakeIdentity> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true })
  const sign = (claims: Record<string, unknown>, expiresInSeconds = 3600) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(`${expiresInSeconds}s`)
      .sign(privateKey)

  const identity: GraphIdentity = {
    async verifyAccessToken(token, expectedAudience): Promise<GraphPrincipal> {
      const { payload } = await jwtVerify(token, publicKey, { audience: expectedAudience })
      const scp = typeof payload.scp === 'string' ? payload.scp.split(' ') : undefined
      return {
        appId: String(payload.appid),
        tenantId: String(payload.tid),
        scopes: scp ?? (payload.roles as string[] | undefined) ?? [],
        ...(scp ? { userId: String(payload.oid) } : {}),
      }
    },
    signJwt: (claims, opts) => sign(claims, opts?.expiresInSeconds),
  }
  return {
    identity,
    publicKey: publicKey as KeyObject,
    appToken: (appId, tenantId, opts) =>
      sign(
        {
          aud: opts?.audience ?? 'https://graph.microsoft.com',
          appid: appId,
          tid: tenantId,
          roles: ['Chat.Read.All'],
        },
        opts?.expiresInSeconds,
      ),
    userToken: (appId, tenantId, userId) =>
      sign({
        aud: 'https://graph.microsoft.com',
        appid: appId,
        tid: tenantId,
        oid: userId,
        scp: 'ChatMessage.Send Chat.Read',
      }),
  }
}
