import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Config } from '../../src/app/config.ts'
import { loadConfig } from '../../src/app/config-load.ts'
import { type Sandbox, startSandbox } from '../../src/app/sandbox.ts'
import type { RoutePolicy } from '../../src/core/model/integration.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'

/** The whole sandbox in-process on free ports and a fresh data directory. */
export async function startTestSandbox(
  options: {
    routePolicy?: Partial<RoutePolicy>
    richNotifications?: boolean
    overrides?: object
    /** The data directory in memory (tmpfs), where fsync returns at once: for request floods. */
    memoryDisk?: boolean
  } = {},
): Promise<Sandbox & { dataDir: string; config: Config }> {
  const { memoryDisk, ...sandboxOptions } = options
  const parent = memoryDisk && existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
  const dataDir = mkdtempSync(join(parent, 'cxb-test-'))
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      http: { port: 0 },
      log: { level: process.env.TEST_LOG_LEVEL ?? 'silent' },
      ...options.overrides,
    },
  })
  const sandbox = await startSandbox({
    config,
    log: createLogger({ level: config.log.level }),
    ...sandboxOptions,
  })
  return {
    ...sandbox,
    dataDir,
    config,
    async close() {
      await sandbox.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls until `check` returns a truthy value (or throws with `what` after the timeout). */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
