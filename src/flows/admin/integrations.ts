import { ConflictError, NotFoundError } from '../../core/errors.ts'
import type { Principal } from '../../core/model/account.ts'
import { requireScope } from '../../core/model/account.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import {
  type ConnectorKind,
  type Integration,
  type IntegrationMeta,
  MAX_META_KEYS,
  type SetupState,
} from '../../core/model/integration.ts'
import type { JsonObject } from '../../core/model/json.ts'
import type { Page, PageQuery } from '../../core/model/page.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { ManagedKind } from '../../core/ports/integration-kinds.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { SecretStore } from '../../core/ports/secrets.ts'
import type { Store } from '../../core/ports/store.ts'
import {
  invalidFields,
  type PreparedSettings,
  prepareSettings,
  publicSettings,
  refsOf,
  secretPrefix,
} from './integration-settings.ts'

export interface IntegrationAdminDeps {
  readonly store: Pick<Store, 'integrations' | 'contacts' | 'integrationEvents'>
  readonly secrets: SecretStore
  readonly kinds: readonly ManagedKind[]
  readonly clock: Clock
  readonly log: Logger
  /** Told after an integration changed or was deleted: drop cached clients and lookups. */
  readonly onChanged?: (id: IntegrationId) => void
  /**
   * New integration ids. Lists sort by creation time, then id: ids that sort in the order they
   * were made (UUIDv7) keep two creations of one millisecond in order.
   */
  readonly newId: () => string
}

export interface NewManagedIntegration {
  readonly kind: ConnectorKind
  readonly name: string
  readonly description?: string
  readonly enabled?: boolean
  readonly meta?: IntegrationMeta
  readonly settings: JsonObject
}

export interface IntegrationChanges {
  readonly name?: string
  /** `null` clears it. */
  readonly description?: string | null
  readonly enabled?: boolean
  /** Merged into the stored meta; a `null` value removes that key. */
  readonly meta?: Readonly<Record<string, string | null>>
  /** Merged into the stored settings (see mergeSettings); write-only values are replaced. */
  readonly settings?: JsonObject
}

/** An integration as the API shows it: public settings, and which write-only fields are set. */
export interface IntegrationView {
  readonly integration: Integration
  readonly writeOnly: readonly string[]
}

/** Setup failed: the credentials do not work. A 409 whose detail says what to do. */
export class SetupFailedError extends ConflictError {}

/**
 * The integration management use cases behind `/api/v1/integrations`: every call acts for one
 * account; another account's integration is not found (404), an own one the key's scopes do
 * not cover is forbidden (403).
 */
export function integrationAdmin(deps: IntegrationAdminDeps) {
  const { store, secrets, clock } = deps
  const log = deps.log.child({ component: 'integration-admin' })
  const kinds = new Map(deps.kinds.map((k) => [k.kind, k]))

  const kindOf = (kind: ConnectorKind) => {
    const found = kinds.get(kind)
    if (!found) throw invalidFields([{ field: 'kind', message: `unknown kind ${kind}` }])
    return found
  }

  const view = (integration: Integration): IntegrationView => {
    const { settings, writeOnly } = publicSettings(kindOf(integration.kind), integration.settings)
    return { integration: { ...integration, settings }, writeOnly }
  }

  /** The caller's own integration: 404 for anyone else's, before any scope is considered. */
  const owned = async (principal: Principal, id: IntegrationId) => {
    const integration = await store.integrations.get(id)
    if (
      !integration ||
      integration.accountId !== principal.accountId ||
      !kinds.has(integration.kind)
    )
      throw new NotFoundError('no such integration', { details: { id } })
    return integration
  }

  const writeSecrets = async (prepared: PreparedSettings) => {
    for (const [name, value] of prepared.writes) await secrets.put(name, value)
  }
  const deleteSecrets = async (names: Iterable<string>) => {
    for (const name of names) {
      await secrets.delete(name).catch((err: unknown) => {
        log.warn({ err, secret: name }, 'could not delete a replaced secret')
      })
    }
  }

  const runSetup = async (integration: Integration): Promise<SetupState> => {
    const kind = kindOf(integration.kind)
    const result = await kind.checkSetup(integration).catch((err: unknown) => {
      log.error({ err, integrationId: integration.id }, 'setup check failed unexpectedly')
      return {
        status: 'failed',
        problem: 'unreachable',
        reason: 'The credential check could not be completed; try again later.',
      } as const
    })
    const state: SetupState = { ...result, checkedAt: clock.now() }
    await store.integrations.update(integration.id, { setup: state })
    await store.integrationEvents.append({
      integrationId: integration.id,
      type: 'setup',
      data: {
        status: state.status,
        ...(state.status === 'failed' && {
          problem: state.problem,
          ...(state.field && { field: state.field }),
        }),
      },
      occurredAt: state.checkedAt,
    })
    log.info(
      {
        integrationId: integration.id,
        status: state.status,
        ...(state.status === 'failed' && { problem: state.problem }),
      },
      'setup checked',
    )
    return state
  }

  const setupOrThrow = async (integration: Integration, saved: boolean) => {
    const state = await runSetup(integration)
    if (state.status === 'failed') {
      const prefix = saved ? 'The update was saved, but setup failed: ' : 'Setup failed: '
      throw new SetupFailedError(`${prefix}${state.reason}`, {
        details: {
          id: integration.id,
          problem: state.problem,
          ...(state.field && { field: state.field }),
          saved,
        },
      })
    }
    return state
  }

  const reload = async (id: IntegrationId) => {
    const integration = await store.integrations.get(id)
    if (!integration) throw new NotFoundError('no such integration', { details: { id } })
    return view(integration)
  }

  return {
    /** Creates an integration and checks its credentials; the result is in `setup`. */
    async create(principal: Principal, input: NewManagedIntegration): Promise<IntegrationView> {
      requireScope(principal, 'integrations:write')
      const kind = kindOf(input.kind)
      const id = deps.newId() as IntegrationId
      const prepared = prepareSettings(kind, id, {}, input.settings)
      await writeSecrets(prepared)
      let created: Integration
      try {
        created = await store.integrations.create({
          id,
          kind: input.kind,
          name: input.name,
          settings: prepared.settings,
          enabled: input.enabled ?? true,
          accountId: principal.accountId,
          ...(input.description !== undefined && { description: input.description }),
          meta: withoutNulls({}, input.meta ?? {}),
        })
      } catch (error) {
        await deleteSecrets(prepared.writes.keys())
        throw error
      }
      log.info({ integrationId: id, kind: input.kind, accountId: principal.accountId }, 'created')
      deps.onChanged?.(id)
      await runSetup(created)
      return reload(id)
    },

    /** A partial update, then Setup: a failed check answers 409 (the update stays saved). */
    async update(
      principal: Principal,
      id: IntegrationId,
      changes: IntegrationChanges,
    ): Promise<IntegrationView> {
      const current = await owned(principal, id)
      requireScope(principal, 'integrations:write')
      const kind = kindOf(current.kind)
      const prepared = changes.settings
        ? prepareSettings(kind, id, current.settings, changes.settings)
        : undefined
      const meta = changes.meta && withoutNulls(current.meta ?? {}, changes.meta)
      if (meta && Object.keys(meta).length > MAX_META_KEYS)
        throw invalidFields([{ field: 'meta', message: `at most ${MAX_META_KEYS} keys` }])
      if (prepared) await writeSecrets(prepared)
      let updated: Integration
      try {
        updated = await store.integrations.update(id, {
          ...(changes.name !== undefined && { name: changes.name }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.enabled !== undefined && { enabled: changes.enabled }),
          ...(meta && { meta }),
          ...(prepared && { settings: prepared.settings }),
        })
      } catch (error) {
        if (prepared) await deleteSecrets(prepared.writes.keys())
        throw error
      }
      if (prepared) await deleteSecrets(prepared.dropped)
      log.info({ integrationId: id, accountId: principal.accountId }, 'updated')
      deps.onChanged?.(id)
      await setupOrThrow(updated, true)
      return reload(id)
    },

    async get(principal: Principal, id: IntegrationId): Promise<IntegrationView> {
      const integration = await owned(principal, id)
      requireScope(principal, 'integrations:read')
      return view(integration)
    },

    async list(
      principal: Principal,
      query: PageQuery & { readonly meta?: IntegrationMeta },
    ): Promise<Page<IntegrationView>> {
      requireScope(principal, 'integrations:read')
      const page = await store.integrations.page(principal.accountId, query)
      return { ...page, items: page.items.filter((i) => kinds.has(i.kind)).map(view) }
    },

    /** Stops the integration at once and for good; its contacts, events and history stay. */
    async remove(principal: Principal, id: IntegrationId): Promise<void> {
      const integration = await owned(principal, id)
      requireScope(principal, 'integrations:write')
      await store.integrations.markDeleted(id)
      deps.onChanged?.(id)
      const kind = kindOf(integration.kind)
      await deleteSecrets(
        refsOf(kind, integration.settings).filter((n) => n.startsWith(secretPrefix(id))),
      )
      log.info({ integrationId: id, accountId: principal.accountId }, 'deleted')
    },

    /** Checks the stored credentials now (a real token request); 409 when they fail. */
    async setup(principal: Principal, id: IntegrationId): Promise<IntegrationView> {
      const integration = await owned(principal, id)
      requireScope(principal, 'integrations:write')
      await setupOrThrow(integration, false)
      return reload(id)
    },

    async contacts(principal: Principal, id: IntegrationId, query: PageQuery) {
      await owned(principal, id)
      requireScope(principal, 'contacts:read')
      return store.contacts.page(id, query)
    },

    async events(principal: Principal, id: IntegrationId, query: PageQuery) {
      await owned(principal, id)
      requireScope(principal, 'events:read')
      return store.integrationEvents.page(id, query)
    },
  }
}

export type IntegrationAdmin = ReturnType<typeof integrationAdmin>

function withoutNulls(
  base: IntegrationMeta,
  changes: Readonly<Record<string, string | null>>,
): IntegrationMeta {
  const out: Record<string, string> = { ...base }
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key]
    else out[key] = value
  }
  return out
}
