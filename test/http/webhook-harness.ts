import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'

import { loadConfig } from '../../src/app/config-load.ts'
import { type Sandbox, startSandbox } from '../../src/app/sandbox.ts'
import { TASKS } from '../../src/flows/customer-chat/tasks.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import { eventually } from '../support/sandbox.ts'

/** Jobs a webhook creates; subscription keeping and catch-up are the bridge's own timers. */
const WEBHOOK_TASKS = [TASKS.fromChannel, TASKS.fromBackend, TASKS.lifecycle]

export const WEBHOOKS = {
  graphNotifications: '/webhooks/microsoft-teams/demo-teams/notifications',
  graphLifecycle: '/webhooks/microsoft-teams/demo-teams/lifecycle',
  bot: '/webhooks/microsoft-teams/demo-teams-bot/messages',
  genesys: '/webhooks/genesys-open-messaging/demo-genesys/outbound',
} as const

export type WebhookName = keyof typeof WEBHOOKS

/** What the remotes hold that a webhook could have caused: compared before and after. */
export interface RemoteCounts {
  readonly genesysMessages: number
  readonly genesysEvents: number
  readonly teamsMessages: number
  readonly botActivities: number
}

export interface WebhookHarness {
  readonly s: Sandbox
  readonly dataDir: string
  /** Sends one request to the bridge's Fastify instance (no socket). */
  inject(options: InjectOptions): Promise<LightMyRequestResponse>
  /** Rows the webhooks wrote to the durable queue since the harness started. */
  webhookJobs(): Array<{ task: string; dedupeKey: string | null }>
  remoteCounts(): RemoteCounts
  close(): Promise<void>
}

/** The whole sandbox (bridge and every emulator) on free ports and a fresh data directory. */
export async function startWebhookHarness(
  options: { http?: object; admin?: object; trustedHosts?: string[] } = {},
): Promise<WebhookHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cxb-http-'))
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      http: { port: 0, ...options.http },
      admin: { ...options.admin },
      trustedHosts: options.trustedHosts ?? [],
      log: { level: 'silent' },
    },
  })
  const s = await startSandbox({ config, log: createLogger({ level: 'silent' }) })
  // A second, read-only connection: the queue runs SQLite in WAL mode, so readers see commits.
  const db = new Database(join(dataDir, 'queue.db'), { readonly: true, fileMustExist: true })
  const placeholders = WEBHOOK_TASKS.map(() => '?').join(', ')
  const baseline = (
    db
      .prepare(`SELECT coalesce(max(id), 0) AS id FROM jobs WHERE task IN (${placeholders})`)
      .get(...WEBHOOK_TASKS) as { id: number }
  ).id
  const jobsQuery = db.prepare(
    `SELECT task, dedupe_key AS dedupeKey FROM jobs WHERE id > ? AND task IN (${placeholders}) ORDER BY id`,
  )
  const app = s.bridge.http
  if (!app) throw new Error('the sandbox runs without HTTP')

  return {
    s,
    dataDir,
    inject: (request) => app.inject(request),
    webhookJobs: () =>
      jobsQuery.all(baseline, ...WEBHOOK_TASKS) as Array<{
        task: string
        dedupeKey: string | null
      }>,
    remoteCounts: () => ({
      genesysMessages: s.genesys.control.received().length,
      genesysEvents: s.genesys.control.events().length,
      teamsMessages: s.graph.control.messages(s.demo.chatId).length,
      botActivities: s.botframework.control.sent().length,
    }),
    async close() {
      db.close()
      await s.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A problem+json answer (RFC 9457) with the given status and, when given, code. */
export function expectProblem(
  response: LightMyRequestResponse,
  status: number,
  code?: string,
): { code: string; status: number; detail?: string } {
  expect(
    { status: response.statusCode, body: response.body.slice(0, 300) },
    `expected ${status}`,
  ).toMatchObject({ status })
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/)
  const problem = JSON.parse(response.body) as { code: string; status: number; detail?: string }
  expect(problem.status).toBe(status)
  expect(typeof problem.code).toBe('string')
  if (code) expect(problem.code).toBe(code)
  return problem
}

/**
 * Runs `act` and asserts it stored nothing: no webhook job, no change in queue depth, nothing
 * new at any emulator (after the worker had its chance to run).
 */
export async function expectNothingAccepted(
  h: WebhookHarness,
  act: () => Promise<unknown>,
): Promise<void> {
  await h.s.bridge.infra.queue.idle()
  const jobs = h.webhookJobs().length
  const stats = await h.s.bridge.infra.queue.stats()
  const remote = h.remoteCounts()
  await act()
  await h.s.bridge.infra.queue.idle()
  expect(h.webhookJobs().slice(jobs), 'webhook jobs stored').toEqual([])
  expect(await h.s.bridge.infra.queue.stats()).toEqual(stats)
  expect(h.remoteCounts()).toEqual(remote)
}

/** Polls until `find` returns something, and returns it. */
export const eventuallyFound = <T>(
  what: string,
  find: () => T | undefined | Promise<T | undefined>,
): Promise<T> => eventually(what, find) as Promise<T>
