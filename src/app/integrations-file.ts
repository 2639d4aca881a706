import { readFileSync } from 'node:fs'

import { z } from 'zod'

import { ConfigError } from '../core/errors.ts'
import type { AccountId } from '../core/model/account.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import { defaultRoutePolicy } from '../core/model/integration.ts'
import type { JsonObject } from '../core/model/json.ts'
import type { ConnectorDefinition } from '../core/ports/connector.ts'
import type { SecretStore } from '../core/ports/secrets.ts'
import type { Store } from '../core/ports/store.ts'

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)')

/**
 * The file `cx-bridge integrations apply` reads. It holds no secret values: each secret names
 * where to read it (`env:NAME` or `file:/path`); the value is stored encrypted in the database.
 */
export const integrationsFileSchema = z
  .object({
    secrets: z
      .record(z.string().min(1), z.string().regex(/^(env|file):.+/, 'env:NAME or file:/path'))
      .default({}),
    integrations: z
      .array(
        z
          .object({
            id,
            kind: z.enum(['microsoft-teams', 'genesys-open-messaging']),
            name: z.string().min(1).max(200),
            settings: z.record(z.string(), z.unknown()),
            enabled: z.boolean().default(true),
            /** The admin-API account that manages it (docs/api.md); absent: the operator's. */
            account: z.string().min(1).max(64).optional(),
          })
          .strict(),
      )
      .default([]),
    routes: z
      .array(
        z
          .object({
            id,
            channel: id,
            backend: id,
            threadingWindowHours: z
              .number()
              .positive()
              .max(24 * 90)
              .optional(),
            replyQuote: z.enum(['quote', 'strip']).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()

/** Creates or updates what the file describes; returns a summary. */
export async function applyIntegrationsFile(
  file: string,
  deps: { store: Store; secrets: SecretStore; connectors: readonly ConnectorDefinition<unknown>[] },
): Promise<string[]> {
  const parsed = integrationsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new ConfigError(issue.path.join('.') || '(file)', issue.message)
  }
  const { secrets, integrations, routes } = parsed.data
  const done: string[] = []
  for (const [name, source] of Object.entries(secrets)) {
    await deps.secrets.put(name, await deps.secrets.reload(source))
    done.push(`secret ${name} stored (from ${source.split(':')[0]})`)
  }
  for (const item of integrations) {
    const connector = deps.connectors.find((c) => c.kind === item.kind)
    try {
      connector?.parseSettings(item.settings)
    } catch (error) {
      throw new ConfigError(
        `integrations.${item.id}.settings`,
        error instanceof Error ? error.message : String(error),
      )
    }
    const integrationId = item.id as IntegrationId
    const accountId = item.account as AccountId | undefined
    if (accountId && !(await deps.store.accounts.get(accountId)))
      throw new ConfigError(`integrations.${item.id}.account`, `no account ${accountId}`)
    const fields = { name: item.name, settings: item.settings as JsonObject, enabled: item.enabled }
    if (await deps.store.integrations.get(integrationId))
      await deps.store.integrations.update(integrationId, {
        ...fields,
        accountId: accountId ?? null,
      })
    else {
      await deps.store.integrations.create({
        id: integrationId,
        kind: item.kind,
        ...fields,
        ...(accountId && { accountId }),
      })
    }
    done.push(`integration ${item.id} (${item.kind})`)
  }
  for (const route of routes) {
    const policy = {
      threadingWindowMs: (route.threadingWindowHours ?? 24) * 3_600_000,
      replyQuote: route.replyQuote ?? defaultRoutePolicy.replyQuote,
    }
    if (await deps.store.routes.get(route.id))
      await deps.store.routes.updatePolicy(route.id, policy)
    else {
      await deps.store.routes.create({
        id: route.id,
        channelIntegrationId: route.channel as IntegrationId,
        backendIntegrationId: route.backend as IntegrationId,
        policy,
      })
    }
    done.push(`route ${route.id}: ${route.channel} → ${route.backend}`)
  }
  return done
}
