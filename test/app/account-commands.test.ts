import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { runAccountCommand } from '../../src/app/account-commands.ts'
import { ConfigError } from '../../src/core/errors.ts'
import { accountAdmin } from '../../src/flows/admin/accounts.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { type MigratableStore, openStore } from '../../src/infra/store/index.ts'

describe('cx-bridge accounts / keys', () => {
  let store: MigratableStore
  let out: string[]
  const run = (command: 'accounts' | 'keys', sub: string, args: string[], extra = {}) =>
    runAccountCommand(command, sub, { args, ...extra }, store, (line) => out.push(line))
  beforeEach(async () => {
    store = await openStore({ url: 'sqlite::memory:' })
    await store.migrate()
    out = []
  })
  afterEach(() => store.close())

  it('creates an account and prints its first key once; the key authenticates', async () => {
    expect(await run('accounts', 'create', ['Acme Support'], { scopes: 'integrations:read' })).toBe(
      0,
    )
    const token = out.find((line) => line.startsWith('cxb_'))!
    const principal = await accountAdmin({ store, clock: systemClock }).authenticate(token)
    expect(principal.scopes).toEqual(['integrations:read'])
    expect(out.join('\n')).toContain('Acme Support')

    out = []
    await run('accounts', 'list', [])
    expect(out).toHaveLength(1)
    const accountId = out[0]!.split(' ')[0]!
    out = []
    await run('keys', 'create', [accountId], { name: 'ops', scopes: 'jobs:admin' })
    const second = out.find((line) => line.startsWith('cxb_'))!
    out = []
    await run('keys', 'list', [accountId])
    expect(out.join('\n')).not.toContain(second)
    expect(out.join('\n')).toContain('ops  jobs:admin  active')

    const keyId = second.split('_')[1]!
    await run('keys', 'revoke', [keyId])
    await expect(
      accountAdmin({ store, clock: systemClock }).authenticate(second),
    ).rejects.toMatchObject({
      code: 'AUTH_FAILED',
    })
  })

  it('refuses unknown scopes, missing arguments and unknown accounts', async () => {
    await expect(run('accounts', 'create', ['x'], { scopes: 'root' })).rejects.toBeInstanceOf(
      ConfigError,
    )
    await expect(run('accounts', 'create', [])).rejects.toBeInstanceOf(ConfigError)
    await expect(run('keys', 'create', ['no-such-account'])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    await expect(run('keys', 'revoke', ['0123456789abcdef'])).rejects.toBeInstanceOf(ConfigError)
  })
})
