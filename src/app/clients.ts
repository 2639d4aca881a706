import type { ConnectorDeps } from '../connectors/shared/deps.ts'
import { ConfigError, NotFoundError } from '../core/errors.ts'
import { ExpiringMap } from '../core/expiring-map.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import type { Integration } from '../core/model/integration.ts'
import type { BackendClient, ChannelClient, ConnectorDefinition } from '../core/ports/connector.ts'
import type { IntegrationRepository } from '../core/ports/store.ts'
import type { ClientRegistry } from '../flows/deps.ts'

interface Opened {
  readonly integration: Integration
  readonly client: ChannelClient | BackendClient
  readonly side: 'channel' | 'backend'
}

/**
 * Opens one client per integration on first use and keeps it (clients hold token caches and
 * JWKS caches). `invalidate` drops a client after its integration changed.
 */
export function createClientRegistry(
  connectors: readonly ConnectorDefinition<ConnectorDeps>[],
  integrations: IntegrationRepository,
  deps: ConnectorDeps,
): ClientRegistry & {
  invalidate(id: IntegrationId): void
  cachedIntegration(id: IntegrationId): Promise<Integration | undefined>
} {
  const byKind = new Map(connectors.map((c) => [c.kind, c]))
  const opened = new Map<string, Promise<Opened>>()
  // Webhook lookups: a few seconds of caching keeps the ingest path off the database.
  const integrationCache = new ExpiringMap<string, Integration | undefined>(deps.clock, 5_000)

  const open = (id: IntegrationId): Promise<Opened> => {
    let entry = opened.get(id)
    if (!entry) {
      entry = (async () => {
        const integration = await integrations.get(id)
        if (!integration || !integration.enabled)
          throw new NotFoundError(`integration ${id} not found or disabled`)
        const connector = byKind.get(integration.kind)
        if (!connector)
          throw new ConfigError('integration.kind', `no connector for ${integration.kind}`)
        const client = connector.open(integration, deps)
        return { integration, client, side: connector.side }
      })()
      entry.catch(() => opened.delete(id))
      opened.set(id, entry)
    }
    return entry
  }

  return {
    async channel(id) {
      const o = await open(id)
      if (o.side !== 'channel')
        throw new ConfigError('route', `integration ${id} is not a Teams integration`)
      return { integration: o.integration, client: o.client as ChannelClient }
    },
    async backend(id) {
      const o = await open(id)
      if (o.side !== 'backend')
        throw new ConfigError('route', `integration ${id} is not a backend integration`)
      return { integration: o.integration, client: o.client as BackendClient }
    },
    async channels() {
      const all = await integrations.list()
      const channels = all.filter((i) => i.enabled && byKind.get(i.kind)?.side === 'channel')
      const out = []
      for (const i of channels) {
        const o = await open(i.id)
        out.push({ integration: o.integration, client: o.client as ChannelClient })
      }
      return out
    },
    invalidate(id) {
      opened.delete(id)
      integrationCache.delete(id)
    },
    async cachedIntegration(id) {
      const hit = integrationCache.find(id)
      if (hit) return hit.value
      const value = await integrations.get(id)
      integrationCache.set(id, value)
      return value
    },
  }
}
