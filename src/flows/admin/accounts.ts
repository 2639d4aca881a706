import { AuthenticationError, ForbiddenError, NotFoundError } from '../../core/errors.ts'
import {
  type Account,
  type AccountId,
  type ApiKey,
  type ApiKeyId,
  type ApiScope,
  DEFAULT_KEY_SCOPES,
  type Principal,
} from '../../core/model/account.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Store } from '../../core/ports/store.ts'
import { mintApiKeyToken, readApiKeyToken, sameDigest } from './api-key-token.ts'

export interface AccountsDeps {
  readonly store: Pick<Store, 'accounts' | 'apiKeys'>
  readonly clock: Clock
}

/** A key as created: the stored record and, once, the key itself. */
export interface IssuedKey {
  readonly key: ApiKey
  readonly token: string
}

/** `last_used_at` is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000

/**
 * Accounts and their API keys: creation (the CLI bootstraps the first account and key),
 * authentication of a presented key, and the account's own key management.
 */
export function accountAdmin(deps: AccountsDeps) {
  const { store, clock } = deps
  const lastUsedWrites = new Map<string, number>()

  const issueKey = async (
    accountId: AccountId,
    name: string,
    scopes: readonly ApiScope[],
  ): Promise<IssuedKey> => {
    const minted = await mintApiKeyToken()
    const key = await store.apiKeys.create({
      id: minted.id,
      accountId,
      name,
      scopes: [...new Set(scopes)],
      secretHash: minted.secretHash,
    })
    return { key, token: minted.token }
  }

  return {
    /** A new account with its first key (all scopes but `jobs:admin` unless others are given). */
    async createAccount(
      name: string,
      options: { keyName?: string; scopes?: readonly ApiScope[] } = {},
    ): Promise<{ account: Account } & IssuedKey> {
      const account = await store.accounts.create({ name })
      const issued = await issueKey(
        account.id,
        options.keyName ?? 'first key',
        options.scopes ?? DEFAULT_KEY_SCOPES,
      )
      return { account, ...issued }
    },

    /** A key for an existing account, as the operator (CLI): any scopes. */
    async createKey(accountId: AccountId, name: string, scopes: readonly ApiScope[]) {
      if (!(await store.accounts.get(accountId))) throw new NotFoundError('no such account')
      return issueKey(accountId, name, scopes)
    },

    /** A key created through the API: never with a scope its creator lacks. */
    async createKeyAs(principal: Principal, name: string, scopes: readonly ApiScope[]) {
      const missing = scopes.filter((s) => !principal.scopes.includes(s))
      if (missing.length > 0) {
        throw new ForbiddenError('a key cannot grant scopes its creator does not have', {
          details: { field: 'scopes', scopes: missing },
        })
      }
      return issueKey(principal.accountId, name, scopes)
    },

    listKeys: (accountId: AccountId) => store.apiKeys.listByAccount(accountId),

    /** Revokes a key of the account; another account's key is not found. */
    async revokeKey(accountId: AccountId, id: ApiKeyId): Promise<ApiKey> {
      const key = await store.apiKeys.get(id)
      if (!key || key.accountId !== accountId) throw new NotFoundError('no such key')
      await store.apiKeys.revoke(id, clock.now())
      return (await store.apiKeys.get(id)) ?? key
    },

    /** The principal behind a presented key; AuthenticationError for anything else. */
    async authenticate(token: string): Promise<Principal> {
      const presented = await readApiKeyToken(token)
      const key = presented && (await store.apiKeys.get(presented.id))
      if (!presented || !key || key.revokedAt || !sameDigest(key.secretHash, presented.secretHash))
        throw new AuthenticationError('a valid API key is required')
      const now = clock.nowMs()
      if (now - (lastUsedWrites.get(key.id) ?? -Infinity) >= LAST_USED_RESOLUTION_MS) {
        lastUsedWrites.set(key.id, now)
        await store.apiKeys.markUsed(key.id, clock.now())
      }
      return { accountId: key.accountId, keyId: key.id, scopes: key.scopes }
    },

    account: (id: AccountId) => store.accounts.get(id),
  }
}

export type AccountAdmin = ReturnType<typeof accountAdmin>
