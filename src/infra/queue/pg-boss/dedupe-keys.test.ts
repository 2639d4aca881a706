import type { Db } from 'pg-boss'
import { describe, expect, it } from 'vitest'

import { DedupeKeys } from './dedupe-keys.ts'

const failingWith = (code: string): Db => ({
  executeSql: async () => {
    throw Object.assign(new Error(code), { code })
  },
})

describe('DedupeKeys.install', () => {
  // Found by the fault suite: four processes starting at once, one exited with
  // 'type "cxb_dedupe_key" already exists' (42710).
  it('lets another process win the race to create the table', async () => {
    const keys = new DedupeKeys('pgboss')
    for (const code of ['23505', '42P07', '42710'])
      await expect(keys.install(failingWith(code)), code).resolves.toBeUndefined()
  })

  it('still fails on anything else', async () => {
    await expect(new DedupeKeys('pgboss').install(failingWith('42501'))).rejects.toThrow('42501')
  })
})
