import { accountId } from '../core/model/account.ts'
import { DEFAULT_KEY_SCOPES } from '../core/model/account.ts'
import type { IntegrationId } from '../core/model/ids.ts'
import type { JsonObject } from '../core/model/json.ts'
import type { SecretStore } from '../core/ports/secrets.ts'
import type { Store } from '../core/ports/store.ts'
import { readApiKeyToken } from '../flows/admin/api-key-token.ts'
import type { DemoEmulators } from './sandbox.ts'
import { DEMO } from './sandbox-seed.ts'

/**
 * The demo account with its fixed sandbox API key, and the demo AI bot it owns: a Teams bot in
 * the Bot Framework emulator answered by the built-in responder (idempotent on restart).
 */
export async function seedDemoAiBot(
  infra: { store: Store; secrets: SecretStore },
  emulators: DemoEmulators,
): Promise<void> {
  const { store, secrets } = infra
  const owner = accountId(DEMO.account.id)
  if (!(await store.accounts.get(owner)))
    await store.accounts.create({ id: owner, name: DEMO.account.name })
  const key = await readApiKeyToken(DEMO.account.key)
  if (key && !(await store.apiKeys.get(key.id))) {
    await store.apiKeys.create({
      id: key.id,
      accountId: owner,
      name: 'sandbox demo key',
      scopes: DEFAULT_KEY_SCOPES,
      secretHash: key.secretHash,
    })
  }

  await secrets.put('sandbox-ai-bot-secret', DEMO.aiBotApp.secret)
  const settings = {
    responder: 'builtin',
    appId: DEMO.aiBotApp.appId,
    appSecretName: 'sandbox-ai-bot-secret',
    authorityHost: emulators.identity.url,
    openIdMetadataUrl: `${emulators.identity.url}/botframework/v1/.well-known/openidconfiguration`,
    serviceUrlHosts: [new URL(emulators.botframework.url).host],
    contactCollection: true,
    attachments: true,
  } as JsonObject
  const id = DEMO.integrations.aiBot as IntegrationId
  if (await store.integrations.get(id)) {
    await store.integrations.update(id, { settings, enabled: true })
  } else {
    await store.integrations.create({
      id,
      kind: 'microsoft-teams-bot',
      name: 'Demo AI assistant',
      description: 'Answers with the built-in sandbox responder',
      settings,
      accountId: owner,
    })
  }
}
