import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'

import { startBotFrameworkEmulator } from '../../emulators/botframework/index.ts'
import { EmulatorClock } from '../../emulators/kit/clock.ts'
import { startIdentityEmulator } from '../../emulators/microsoft-identity/index.ts'
import { DEFAULT_API_KEY, startOpenAiEmulator } from '../../emulators/openai/index.ts'
import { startBridge } from '../../src/app/bridge.ts'
import { loadConfig } from '../../src/app/config-load.ts'
import { EMULATOR_CA_FILE } from '../../src/app/sandbox.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import { accountAdmin } from '../../src/flows/admin/accounts.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'

/** An admin API answer body as the tests read it. */
export type ApiBody = {
  id: string
  items: Array<{ type: string; aadObjectId: string; data: Record<string, unknown> }>
} & Record<string, unknown>

export const TENANT = '7a1b2c3d-0000-4000-8000-00000000face'
export const OTHER_TENANT = '7a1b2c3d-0000-4000-8000-0000000f0e11'
export const BOT = { appId: 'b0700000-1111-4222-8333-444444444444', secret: 'bot-secret-1' }

export const ANA = {
  id: '29:1ana',
  aadObjectId: '0a0a0a0a-0000-4000-8000-000000000a0a',
  name: 'Ana Silva',
  tenantId: TENANT,
  userPrincipalName: 'ana@contoso.example',
}
export const BEN = {
  id: '29:1ben',
  aadObjectId: '0b0b0b0b-0000-4000-8000-000000000b0b',
  name: 'Ben Ode',
  tenantId: TENANT,
  userPrincipalName: 'ben@contoso.example',
}
export const EVE = {
  id: '29:1eve',
  aadObjectId: '0e0e0e0e-0000-4000-8000-000000000e0e',
  name: 'Eve Outsider',
  tenantId: OTHER_TENANT,
  userPrincipalName: 'eve@fabrikam.example',
}

/**
 * The whole AI bot path on one machine: the identity emulator, the Bot Framework emulator as
 * Teams, the OpenAI emulator as the model, and a bridge (SQLite, embedded queue) whose admin
 * API creates the bot integration. One clock, real time plus an offset, is shared by the bridge
 * and the emulators, so expiries are tested by moving it forward.
 */
export async function startAiBotWorld(
  options: {
    /** Every activity the bot sends, updates or deletes, as the Teams emulator records it. */
    readonly onBotActivity?: (conversationId: string, activity: unknown) => void
    /**
     * Keep every log line for `logs` (default). A benchmark writes the lines as a deployment
     * does but drops them, so a run's growing log does not weigh on the process it measures.
     */
    readonly keepLogs?: boolean
  } = {},
) {
  const clock = new EmulatorClock()
  const bridgeClock: Clock = {
    now: () => clock.now(),
    nowMs: () => clock.nowMs(),
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
  }
  const identity = await startIdentityEmulator({
    clock,
    apps: [{ appId: BOT.appId, secret: BOT.secret, tenantId: TENANT }],
    users: [ANA, BEN].map((u) => ({
      id: u.aadObjectId,
      tenantId: u.tenantId,
      upn: u.userPrincipalName,
      displayName: u.name,
    })),
  })
  const teams = await startBotFrameworkEmulator({
    clock,
    identity,
    bots: [],
    ...(options.onBotActivity ? { onBotActivity: options.onBotActivity } : {}),
  })
  const openai = await startOpenAiEmulator({ clock, models: ['gpt-4o-mini'] })
  const dataDir = mkdtempSync(join(tmpdir(), 'cxb-ai-bot-'))
  const trustedHosts = [identity.url, teams.url, openai.url].map((u) => new URL(u).host)
  process.env.CXB_TEST_OPENAI_KEY = DEFAULT_API_KEY
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      http: { port: 0 },
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      tls: { extraCaFile: EMULATOR_CA_FILE },
      trustedHosts,
      attachments: { maxBytes: 10_000 },
      // Teams' 1,800 an hour per conversation spread evenly is one message every 2 s; the tests
      // talk faster than that in one chat, within the emulator's per-second limits.
      limits: { botConversationPerHour: 14_400 },
      responders: {
        named: {
          assistant: {
            kind: 'openai-compatible',
            baseUrl: openai.baseUrl,
            model: 'gpt-4o-mini',
            apiKeySecretName: 'env:CXB_TEST_OPENAI_KEY',
            systemPrompt: 'You are the Contoso helpdesk.',
            timeouts: { responseMs: 2_000, idleMs: 2_000, totalMs: 10_000 },
          },
        },
      },
    },
  })
  // Every line is kept (info and up), so tests can check what is logged and what never is.
  const logs: string[] = []
  const log = createLogger({
    level: (process.env.TEST_LOG_LEVEL ?? 'info') as 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        if (options.keepLogs !== false) logs.push(String(chunk))
        done()
      },
    }),
  })
  const bridge = await startBridge({
    config,
    log,
    roles: { http: true, worker: true },
    clock: bridgeClock,
  })
  const account = await accountAdmin({
    store: bridge.infra.store,
    clock: bridgeClock,
  }).createAccount('Contoso')
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${bridge.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${account.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as ApiBody }
  }

  /** A bot integration through the admin API, registered in Teams with its callback URL. */
  const createBot = async (settings: Record<string, unknown> = {}, name = 'Helpdesk bot') => {
    const created = await api('POST', '/integrations', {
      kind: 'microsoft-teams-bot',
      name,
      settings: {
        responder: 'assistant',
        appId: BOT.appId,
        appSecret: BOT.secret,
        authorityHost: identity.url,
        openIdMetadataUrl: `${identity.url}/botframework/v1/.well-known/openidconfiguration`,
        ...settings,
      },
    })
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`)
    const id = created.body.id
    teams.control.addBot({
      appId: BOT.appId,
      endpoint: `${bridge.url}/webhooks/microsoft-teams-bot/${id}/messages`,
      name: 'Helpdesk',
    })
    return id
  }

  return {
    clock,
    identity,
    teams,
    openai,
    bridge,
    account,
    api,
    createBot,
    logs,
    idle: () => bridge.infra.queue.idle(),
    async close() {
      await bridge.close()
      await Promise.allSettled([identity.close(), teams.close(), openai.close()])
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export type AiBotWorld = Awaited<ReturnType<typeof startAiBotWorld>>
