import { z } from 'zod'

import type { Participant } from '../../../core/model/participant.ts'
import type { KeyValueStore } from '../../../core/ports/key-value.ts'
import type { HttpClient } from '../../shared/http.ts'
import { httpAuth, type TokenProvider } from '../identity/index.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { graphRateKey } from './ids.ts'
import { graphBase } from './settings-of.ts'

const user = z.object({
  userPrincipalName: z.string().max(320).nullish(),
  mail: z.string().max(320).nullish(),
  displayName: z.string().max(256).nullish(),
})

const CACHE_TTL_MS = 24 * 60 * 60 * 1000
type DirectoryEntry = { readonly upn: string | null; readonly mail: string | null }
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Completes a Teams participant with its UPN and mail from the directory
 * (`GET /users/{id}`, application permission User.Read.All), so a contact center can look the
 * customer up in its CRM. chatMessage.from carries only id, name and tenant. Guests and users
 * of other tenants are not in our directory: they stay as they are. Cached for a day.
 */
export function createUserResolver(
  settings: MicrosoftTeamsSettings,
  deps: { http: HttpClient; cache: KeyValueStore },
  tokens: { app: TokenProvider },
) {
  const auth = httpAuth(tokens.app)
  return async (participant: Participant, signal?: AbortSignal): Promise<Participant> => {
    const id = participant.aadObjectId
    if (!id || !GUID.test(id) || participant.upn) return participant
    if (participant.tenantId && participant.tenantId !== settings.tenantId) return participant
    const cacheKey = `graph-user:${settings.tenantId}:${id}`
    let found = (await deps.cache.get<DirectoryEntry>(cacheKey))?.value
    if (!found) {
      try {
        const res = await deps.http.request({
          method: 'GET',
          url: `${graphBase(settings)}/users/${encodeURIComponent(id)}?$select=userPrincipalName,mail,displayName`,
          auth,
          idempotent: true,
          rateKey: graphRateKey(settings.clientId, settings.tenantId),
          timeoutMs: 10_000,
          ...(signal ? { signal } : {}),
        })
        const parsed = user.safeParse(res.json())
        found = {
          upn: parsed.success ? (parsed.data.userPrincipalName ?? null) : null,
          mail: parsed.success ? (parsed.data.mail ?? null) : null,
        }
      } catch (error) {
        // Not in this directory (404) is an answer; anything else is worth a retry.
        if ((error as { status?: number }).status !== 404) throw error
        found = { upn: null, mail: null }
      }
      await deps.cache.set(cacheKey, found, { ttlMs: CACHE_TTL_MS })
    }
    return {
      ...participant,
      ...(found.upn ? { upn: found.upn } : {}),
      ...(found.mail ? { email: found.mail } : {}),
    }
  }
}
