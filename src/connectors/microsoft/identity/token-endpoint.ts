import { z } from 'zod'

import { RemoteRejectedError } from '../../../core/errors.ts'
import type { HttpClient } from '../../shared/http.ts'
import { identityRateKey } from './app-token.ts'

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  /** base64url JSON `{ uid, utid }`, returned when the request sends `client_info=1`. */
  client_info: z.string().optional(),
})

export type TokenResponse = z.infer<typeof tokenResponse>

export const tokenEndpoint = (authorityHost: string, tenant: string) =>
  `${new URL(authorityHost).origin}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`

export const authorizeEndpoint = (authorityHost: string, tenant: string) =>
  `${new URL(authorityHost).origin}/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize`

/**
 * One request to the v2 token endpoint
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow). Not
 * idempotent: an authorization code is single-use, and a rotated refresh token must not be
 * redeemed twice by an in-process retry whose first answer was lost.
 */
export async function postTokenRequest(
  http: HttpClient,
  url: string,
  clientId: string,
  form: Record<string, string>,
): Promise<TokenResponse> {
  const response = await http.request({
    method: 'POST',
    url,
    form: { client_id: clientId, client_info: '1', ...form },
    rateKey: identityRateKey(clientId),
    timeoutMs: 10_000,
    idempotent: false,
    maxResponseBytes: 256 * 1024,
  })
  const parsed = tokenResponse.safeParse(response.json())
  if (!parsed.success) throw new RemoteRejectedError('token endpoint answered without a token')
  return parsed.data
}

/** The signed-in user's object and tenant ids from `client_info`, when present. */
export function clientInfo(value: string | undefined): { userId?: string; tenantId?: string } {
  if (!value) return {}
  try {
    const info = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as {
      uid?: unknown
      utid?: unknown
    }
    return {
      userId: typeof info.uid === 'string' ? info.uid : undefined,
      tenantId: typeof info.utid === 'string' ? info.utid : undefined,
    }
  } catch {
    return {}
  }
}
