import { z } from 'zod'

import { ExpiringMap } from '../../../core/expiring-map.ts'
import type { Participant } from '../../../core/model/participant.ts'
import type { Clock } from '../../../core/ports/clock.ts'
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
/**
 * What this process looked up in the last minute is reused without reading the shared cache (a
 * store query, or a Redis round trip in a fleet, per message of a busy chat). Bounded: past the
 * limit it starts over.
 */
const MEMO_TTL_MS = 60_000
const MEMO_LIMIT = 1_000
type DirectoryEntry = { readonly upn: string | null; readonly mail: string | null }
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Completes a Teams participant with its UPN and mail from the directory
 * (`GET /users/{id}`, application permission User.Read.All), so a contact center can look the
 * customer up in its CRM. chatMessage.from carries only id, name and tenant. Guests and users
 * of other tenants are not in our directory: they stay as they are. Cached for a day in the
 * shared cache, and for a minute in this process.
 */
export function createUserResolver(
  settings: MicrosoftTeamsSettings,
  deps: { http: HttpClient; cache: KeyValueStore; clock: Clock },
  tokens: { app: TokenProvider },
) {
  const auth = httpAuth(tokens.app)
  const memo = new ExpiringMap<string, DirectoryEntry>(deps.clock, MEMO_TTL_MS, MEMO_LIMIT)
  return async (participant: Participant, signal?: AbortSignal): Promise<Participant> => {
    const id = participant.aadObjectId
    if (!id || !GUID.test(id) || participant.upn) return participant
    if (participant.tenantId && participant.tenantId !== settings.tenantId) return participant
    const cacheKey = `graph-user:${settings.tenantId}:${id}`
    const recent = memo.find(cacheKey)?.value
    let found = recent ?? (await deps.cache.get<DirectoryEntry>(cacheKey))?.value
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
    if (found !== recent) memo.set(cacheKey, found)
    return {
      ...participant,
      ...(found.upn ? { upn: found.upn } : {}),
      ...(found.mail ? { email: found.mail } : {}),
    }
  }
}
