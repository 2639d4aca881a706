import { afterEach, beforeEach, describe } from 'vitest'

import type { Clock } from '../../src/core/ports/clock.ts'
import type { Store } from '../../src/core/ports/store.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { accountCases } from './store/accounts.cases.ts'
import { contactCases } from './store/contacts.cases.ts'
import { conversationCases } from './store/conversations.cases.ts'
import { integrationCases } from './store/integrations.cases.ts'
import { managedIntegrationCases } from './store/managed-integrations.cases.ts'
import { messageCases } from './store/messages.cases.ts'
import { retentionCases } from './store/retention.cases.ts'
import { routeCases } from './store/routes.cases.ts'
import { stateCases } from './store/state.cases.ts'
import type { StoreContext } from './store/store-context.ts'
import { subscriptionCases } from './store/subscriptions.cases.ts'

/** Opens an empty, migrated store that stamps times with `clock`. */
export type StoreFactory = (options: { clock: Clock }) => Promise<Store>

/** The behaviour every Store implementation must show; run once per implementation. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let current: { store: Store; clock: ManualClock } | undefined
    const context: StoreContext = {
      get store() {
        if (!current) throw new Error('no store open')
        return current.store
      },
      get clock() {
        if (!current) throw new Error('no store open')
        return current.clock
      },
    }

    beforeEach(async () => {
      const clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 0, 0, 123))
      current = { store: await factory({ clock }), clock }
    })
    afterEach(async () => {
      await current?.store.close()
      current = undefined
    })

    describe('integrations', () => integrationCases(context))
    describe('routes', () => routeCases(context))
    describe('conversations', () => conversationCases(context))
    describe('messages', () => messageCases(context))
    describe('subscriptions', () => subscriptionCases(context))
    describe('state', () => stateCases(context))
    describe('accounts and API keys', () => accountCases(context))
    describe('integrations of accounts', () => managedIntegrationCases(context))
    describe('contacts and integration events', () => contactCases(context))
    describe('retention purges', () => retentionCases(context))
  })
}
