import { describe, expect, it } from 'vitest'

import type { JsonValue } from '../../../core/model/json.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { KeyValueStore } from '../../../core/ports/key-value.ts'
import type { HttpClient } from '../../shared/http.ts'
import { microsoftTeamsSettings } from '../settings.ts'
import { createUserResolver } from './users.ts'

const settings = microsoftTeamsSettings.parse({
  tenantId: 't1',
  clientId: 'APP-ID',
  clientSecretName: 's',
  notifications: { clientStateName: 'c' },
})
const AAD_ID = '6f1c2b7e-1d2a-4c3b-9e8f-0a1b2c3d4e5f'
const customer = {
  role: 'customer',
  displayName: 'Megan',
  aadObjectId: AAD_ID,
  tenantId: 't1',
} as const

/** A shared cache and a directory that count what reaches them. */
function world() {
  let nowMs = Date.UTC(2026, 0, 1)
  const clock = {
    now: () => new Date(nowMs),
    nowMs: () => nowMs,
    advance: (ms: number) => void (nowMs += ms),
  } as Clock & { advance(ms: number): void }
  const entries = new Map<string, JsonValue>()
  const counts = { cacheReads: 0, directoryCalls: 0 }
  const cache = {
    async get(key: string) {
      counts.cacheReads++
      const value = entries.get(key)
      return value === undefined ? undefined : { value, revision: '1' }
    },
    async set(key: string, value: JsonValue) {
      entries.set(key, value)
    },
  } as unknown as KeyValueStore
  const http = {
    async request() {
      counts.directoryCalls++
      return { json: () => ({ userPrincipalName: 'megan@contoso.com', mail: 'megan@contoso.com' }) }
    },
  } as unknown as HttpClient
  const tokens = { app: { getToken: async () => 'token', refresh: async () => {} } }
  const resolve = createUserResolver(settings, { http, cache, clock }, tokens)
  return { clock, counts, entries, resolve }
}

describe('createUserResolver', () => {
  it('asks the directory once, then serves the same user from this process for a minute', async () => {
    const { clock, counts, resolve } = world()
    for (let i = 0; i < 3; i++) {
      expect(await resolve(customer)).toMatchObject({ upn: 'megan@contoso.com' })
    }
    expect(counts).toEqual({ cacheReads: 1, directoryCalls: 1 })

    clock.advance(60_000)
    expect(await resolve(customer)).toMatchObject({ upn: 'megan@contoso.com' })
    // After the minute the shared cache answers again (its entry lasts a day): no directory call.
    expect(counts).toEqual({ cacheReads: 2, directoryCalls: 1 })
  })

  it('reads what another process stored in the shared cache', async () => {
    const { counts, entries, resolve } = world()
    entries.set(`graph-user:t1:${AAD_ID}`, { upn: 'other@contoso.com', mail: null })
    expect(await resolve(customer)).toMatchObject({ upn: 'other@contoso.com' })
    expect(counts.directoryCalls).toBe(0)
  })
})
