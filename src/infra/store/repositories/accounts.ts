import type { Selectable } from 'kysely'

import {
  type Account,
  accountId,
  type ApiKey,
  apiKeyId,
  type ApiScope,
} from '../../../core/model/account.ts'
import type { AccountRepository, ApiKeyRepository } from '../../../core/ports/store.ts'
import { orUndefined } from '../codec.ts'
import { mapConstraintErrors } from '../constraint-errors.ts'
import type { AccountsTable, ApiKeysTable } from '../schema.ts'
import type { RepositoryContext } from './context.ts'

export function accountRepository({ db, codec, clock }: RepositoryContext): AccountRepository {
  const toAccount = (row: Selectable<AccountsTable>): Account => ({
    id: accountId(row.id),
    name: row.name,
    createdAt: codec.readDate(row.created_at),
    updatedAt: codec.readDate(row.updated_at),
  })
  return {
    async create(input) {
      const now = codec.date(clock.now())
      const row = await mapConstraintErrors('account', () =>
        db
          .insertInto('accounts')
          .values({
            id: input.id ?? crypto.randomUUID(),
            name: input.name,
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toAccount(row)
    },
    async get(id) {
      const row = await db
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toAccount(row)
    },
    async list() {
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toAccount)
    },
  }
}

export function apiKeyRepository({ db, codec, clock }: RepositoryContext): ApiKeyRepository {
  const toKey = (row: Selectable<ApiKeysTable>): ApiKey => {
    const lastUsedAt = orUndefined(row.last_used_at)
    const revokedAt = orUndefined(row.revoked_at)
    return {
      id: apiKeyId(row.id),
      accountId: accountId(row.account_id),
      name: row.name,
      scopes: codec.readJson<ApiScope[]>(row.scopes),
      secretHash: row.secret_hash,
      createdAt: codec.readDate(row.created_at),
      ...(lastUsedAt !== undefined && { lastUsedAt: codec.readDate(lastUsedAt) }),
      ...(revokedAt !== undefined && { revokedAt: codec.readDate(revokedAt) }),
    }
  }
  return {
    async create(key) {
      const row = await mapConstraintErrors('API key', () =>
        db
          .insertInto('api_keys')
          .values({
            id: key.id,
            account_id: key.accountId,
            name: key.name,
            secret_hash: key.secretHash,
            scopes: codec.json(key.scopes),
            created_at: codec.date(clock.now()),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return toKey(row)
    },
    async get(id) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return row && toKey(row)
    },
    async listByAccount(account) {
      const rows = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('account_id', '=', account)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(toKey)
    },
    async revoke(id, at) {
      await db
        .updateTable('api_keys')
        .set({ revoked_at: codec.date(at) })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute()
    },
    async markUsed(id, at) {
      await db
        .updateTable('api_keys')
        .set({ last_used_at: codec.date(at) })
        .where('id', '=', id)
        .execute()
    },
  }
}
