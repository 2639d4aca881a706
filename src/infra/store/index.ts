import { type Kysely, sql } from 'kysely'

import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Store } from '../../core/ports/store.ts'
import { systemClock } from '../clock/system-clock.ts'
import { codecFor } from './codec.ts'
import { connect } from './connect.ts'
import { migrateToLatest } from './migrate.ts'
import { accountRepository, apiKeyRepository } from './repositories/accounts.ts'
import { contactRepository, integrationEventRepository } from './repositories/contacts.ts'
import type { RepositoryContext } from './repositories/context.ts'
import { conversationRepository } from './repositories/conversations.ts'
import { integrationRepository } from './repositories/integrations.ts'
import { keyValueRepository, type SqlKeyValueStore } from './repositories/key-value.ts'
import { messageRepository } from './repositories/messages.ts'
import { routeRepository } from './repositories/routes.ts'
import { stateRepository } from './repositories/state.ts'
import { subscriptionRepository } from './repositories/subscriptions.ts'
import { cachingRoutes } from './route-cache.ts'

export interface StoreOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
  readonly url: string
  /** Stamps createdAt/updatedAt (default: the system clock). */
  readonly clock?: Clock
  readonly log?: Logger
}

export type MigratableStore = Store & {
  migrate(): Promise<void>
  /** The embedded key-value store (`kv_entries`); scaled deployments use Redis instead. */
  readonly keyValue: SqlKeyValueStore
}

/** Opens the store without migrating it: call `migrate()` (the CLI's `migrate`, or at start). */
export async function openStore(options: StoreOptions): Promise<MigratableStore> {
  const { dialect, db } = connect(options.url, options.log)
  const context: RepositoryContext = {
    db,
    codec: codecFor(dialect),
    clock: options.clock ?? systemClock,
  }
  return {
    accounts: accountRepository(context),
    apiKeys: apiKeyRepository(context),
    integrations: integrationRepository(context),
    contacts: contactRepository(context),
    integrationEvents: integrationEventRepository(context),
    routes: cachingRoutes(routeRepository(context), context.clock),
    conversations: conversationRepository(context),
    messages: messageRepository(context),
    subscriptions: subscriptionRepository(context),
    state: stateRepository(context),
    keyValue: keyValueRepository(context),
    migrate: () => migrateToLatest(db as Kysely<unknown>, dialect),
    async ping() {
      await sql`select 1`.execute(db)
    },
    close: () => db.destroy(),
  }
}
