import { z } from 'zod'

import type { Participant } from '../../../core/model/participant.ts'
import type { StateRepository } from '../../../core/ports/store.ts'
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

const CACHE_NAMESPACE = 'graph-user'
const CACHE_TTL_MS = 24 * 60 * 60 * 1000
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Completes a Teams participant with its UPN and mail from the directory
 * (`GET /users/{id}`, application permission User.Read.All), so a contact center can look the
 * customer up in its CRM. chatMessage.from carries only id, name and tenant. Guests and users
 * of other tenants are not in our directory: they stay as they are. Cached for a day.
 */
export function createUserResolver(
  settings: MicrosoftTeamsSettings,
  deps: { http: HttpClient; state: StateRepository; clock: { nowMs(): number } },
  tokens: { app: TokenProvider },
) {
  const auth = httpAuth(tokens.app)
  return async (participant: Participant, signal?: AbortSignal): Promise<Participant> => {
    const id = participant.aadObjectId
    if (!id || !GUID.test(id) || participant.upn) return participant
    if (participant.tenantId && participant.tenantId !== settings.tenantId) return participant
    const cacheKey = `${settings.tenantId}:${id}`
    const cached = await deps.state.get<{ at: number; upn: string | null; mail: string | null }>(
      CACHE_NAMESPACE,
      cacheKey,
    )
    let found = cached && deps.clock.nowMs() - cached.at < CACHE_TTL_MS ? cached : undefined
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
          at: deps.clock.nowMs(),
          upn: parsed.success ? (parsed.data.userPrincipalName ?? null) : null,
          mail: parsed.success ? (parsed.data.mail ?? null) : null,
        }
      } catch (error) {
        // Not in this directory (404) is an answer; anything else is worth a retry.
        if ((error as { status?: number }).status !== 404) throw error
        found = { at: deps.clock.nowMs(), upn: null, mail: null }
      }
      await deps.state.put(CACHE_NAMESPACE, cacheKey, found)
    }
    return {
      ...participant,
      ...(found.upn ? { upn: found.upn } : {}),
      ...(found.mail ? { email: found.mail } : {}),
    }
  }
}
