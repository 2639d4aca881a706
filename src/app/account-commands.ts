import { ConfigError } from '../core/errors.ts'
import {
  accountId,
  apiKeyId,
  type ApiScope,
  DEFAULT_KEY_SCOPES,
  isApiScope,
} from '../core/model/account.ts'
import type { Store } from '../core/ports/store.ts'
import { accountAdmin } from '../flows/admin/accounts.ts'
import { systemClock } from '../infra/clock/system-clock.ts'

export interface AccountCommandOptions {
  readonly args: readonly string[]
  /** `--scopes a,b`. */
  readonly scopes?: string
  /** `--name`. */
  readonly name?: string
}

/**
 * `cx-bridge accounts …` and `cx-bridge keys …`: the operator bootstraps accounts and keys with
 * database access, no API key needed. A key is printed once and never again.
 */
export async function runAccountCommand(
  command: 'accounts' | 'keys',
  sub: string | undefined,
  options: AccountCommandOptions,
  store: Store,
  out: (line: string) => void,
): Promise<number> {
  const admin = accountAdmin({ store, clock: systemClock })
  const scopes = parseScopes(options.scopes)
  const [first] = options.args
  const key = `${command} ${sub ?? ''}`.trim()
  switch (key) {
    case 'accounts create': {
      if (!first) throw usage('accounts create <name> [--scopes a,b]')
      const created = await admin.createAccount(first, scopes ? { scopes } : {})
      out(`account ${created.account.id} (${created.account.name})`)
      printKey(created.key.id, created.token, created.key.scopes, out)
      return 0
    }
    case 'accounts list':
      for (const account of await store.accounts.list()) {
        out(`${account.id}  ${account.name}  created ${account.createdAt.toISOString()}`)
      }
      return 0
    case 'keys create': {
      if (!first) throw usage('keys create <account id> [--name n] [--scopes a,b]')
      const issued = await admin.createKey(
        accountId(first),
        options.name ?? 'key',
        scopes ?? DEFAULT_KEY_SCOPES,
      )
      printKey(issued.key.id, issued.token, issued.key.scopes, out)
      return 0
    }
    case 'keys list': {
      if (!first) throw usage('keys list <account id>')
      for (const k of await store.apiKeys.listByAccount(accountId(first))) {
        const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'
        out(`${k.id}  ${k.name}  ${k.scopes.join(',')}  ${state}`)
      }
      return 0
    }
    case 'keys revoke': {
      if (!first) throw usage('keys revoke <key id>')
      const found = await store.apiKeys.get(apiKeyId(first))
      if (!found) throw new ConfigError('key', `no key ${first}`)
      await admin.revokeKey(found.accountId, found.id)
      out(`key ${found.id} revoked`)
      return 0
    }
    default:
      throw usage('accounts create|list, keys create|list|revoke')
  }
}

function printKey(id: string, token: string, scopes: readonly string[], out: (l: string) => void) {
  out(`key ${id} scopes ${scopes.join(',')}`)
  out(token)
  out('(the key is shown only now: store it in a secret manager)')
}

function parseScopes(value: string | undefined): ApiScope[] | undefined {
  if (value === undefined) return undefined
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = scopes.filter((s) => !isApiScope(s))
  if (scopes.length === 0 || unknown.length > 0)
    throw new ConfigError('--scopes', `unknown scope ${unknown.join(', ') || '(none given)'}`)
  return scopes as ApiScope[]
}

const usage = (text: string) => new ConfigError('command', `use "${text}"`)
