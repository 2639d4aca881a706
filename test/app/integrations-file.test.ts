import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { connectorDefinitions } from '../../src/app/connectors.ts'
import { applyIntegrationsFile } from '../../src/app/integrations-file.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import { createSecretCipher, createSecretStore } from '../../src/infra/secrets/index.ts'
import { openStore } from '../../src/infra/store/index.ts'

const EXAMPLE = new URL('../../docs/examples/integrations.json', import.meta.url).pathname

describe('cx-bridge integrations apply', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

  async function setup(env: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'cxb-int-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'token'), 'webhook-token-from-file-0123456789\n')
    const store = await openStore({ url: 'sqlite::memory:' })
    await store.migrate()
    const secrets = createSecretStore({
      cipher: createSecretCipher(Buffer.alloc(32, 7)),
      state: store.state,
      env,
    })
    return { dir, store, secrets }
  }

  it('stores integrations, routes and secrets from the documented example, and applies twice idempotently', async () => {
    const env = {
      CONTOSO_GRAPH_CLIENT_SECRET: 'graph-secret-value',
      CONTOSO_BOT_APP_PASSWORD: 'bot-password-value',
      CONTOSO_GRAPH_CLIENT_STATE: 'client-state-value',
      GENESYS_CLIENT_SECRET: 'genesys-secret-value',
    }
    const { dir, store, secrets } = await setup(env)
    const file = join(dir, 'integrations.json')
    const example = (await import(EXAMPLE, { with: { type: 'json' } })).default as {
      secrets: Record<string, string>
    }
    example.secrets['genesys-webhook-token'] = `file:${join(dir, 'token')}`
    writeFileSync(file, JSON.stringify(example))

    const deps = { store, secrets, connectors: connectorDefinitions }
    const summary = await applyIntegrationsFile(file, deps)
    expect(summary.some((l) => l.includes('route contoso-to-genesys'))).toBe(true)
    await applyIntegrationsFile(file, deps)

    expect((await store.integrations.list()).map((i) => i.id).sort()).toEqual([
      'contoso-teams',
      'genesys-emea',
    ])
    expect(await store.routes.byChannelIntegration('contoso-teams' as IntegrationId)).toHaveLength(
      1,
    )
    expect(await secrets.get('contoso-graph-secret')).toBe('graph-secret-value')
    expect(await secrets.get('genesys-webhook-token')).toBe('webhook-token-from-file-0123456789')
    // Stored encrypted: the raw state row does not contain the value.
    expect(JSON.stringify(await store.state.list('secrets'))).not.toContain('graph-secret-value')
    await store.close()
  })

  it('names the bad field of an invalid file', async () => {
    const { dir, store, secrets } = await setup({})
    const file = join(dir, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({
        integrations: [
          { id: 'x', kind: 'genesys-open-messaging', name: 'x', settings: { clientId: 'a' } },
        ],
      }),
    )
    await expect(
      applyIntegrationsFile(file, { store, secrets, connectors: connectorDefinitions }),
    ).rejects.toThrow(/integrations\.x\.settings/)
    writeFileSync(file, JSON.stringify({ secrets: { a: 'plain-value' } }))
    await expect(
      applyIntegrationsFile(file, { store, secrets, connectors: connectorDefinitions }),
    ).rejects.toThrow(/secrets\.a/)
    await store.close()
  })

  it('hands an integration to an admin-API account, and refuses an unknown one', async () => {
    const { dir, store, secrets } = await setup({})
    const account = await store.accounts.create({ name: 'Acme' })
    const file = join(dir, 'owned.json')
    const integration = (owner?: string) => ({
      id: 'genesys-acme',
      kind: 'genesys-open-messaging',
      name: 'Genesys for Acme',
      settings: {
        openMessagingIntegrationId: 'om-1',
        clientId: 'c',
        clientSecretName: 'env:X',
        webhookSecretName: 'env:Y',
      },
      ...(owner && { account: owner }),
    })
    const deps = { store, secrets, connectors: connectorDefinitions }
    writeFileSync(file, JSON.stringify({ integrations: [integration(account.id)] }))
    await applyIntegrationsFile(file, deps)
    const id = 'genesys-acme' as IntegrationId
    expect((await store.integrations.get(id))?.accountId).toBe(account.id)
    writeFileSync(file, JSON.stringify({ integrations: [integration()] }))
    await applyIntegrationsFile(file, deps)
    expect((await store.integrations.get(id))?.accountId).toBeUndefined()
    writeFileSync(file, JSON.stringify({ integrations: [integration('nobody')] }))
    await expect(applyIntegrationsFile(file, deps)).rejects.toThrow(
      /integrations\.genesys-acme\.account/,
    )
    await store.close()
  })
})
