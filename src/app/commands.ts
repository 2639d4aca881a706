import { mkdirSync } from 'node:fs'

import { ConfigError } from '../core/errors.ts'
import type { Logger } from '../core/ports/logger.ts'
import { createLogger } from '../infra/logging/create-logger.ts'
import { openStore } from '../infra/store/index.ts'
import { runAccountCommand } from './account-commands.ts'
import { startBridge } from './bridge.ts'
import type { Config } from './config.ts'
import { exampleConfig, loadConfig } from './config-load.ts'
import { connectorDefinitions } from './connectors.ts'
import { openInfrastructure } from './infrastructure.ts'
import { applyIntegrationsFile } from './integrations-file.ts'

interface CommandOptions {
  readonly configFile?: string
  /** The file argument of `integrations apply`. */
  readonly file?: string
  /** Positional arguments after the sub-command (`accounts create <name>`). */
  readonly args?: readonly string[]
  readonly scopes?: string
  readonly name?: string
}

/** Runs one CLI command; resolves with an exit code, or undefined for long-running commands. */
export async function runCommand(
  command: string,
  sub: string | undefined,
  options: CommandOptions,
): Promise<number | undefined> {
  if (command === 'config' && sub === 'example') {
    process.stdout.write(`${exampleConfig()}\n`)
    return 0
  }
  const config = loadConfig({
    file: options.configFile,
    overrides:
      command === 'sandbox'
        ? { mode: 'sandbox' }
        : command === 'config'
          ? {}
          : { mode: 'embedded' },
  })
  const log = createLogger({
    level: config.log.level,
    pretty: config.log.pretty || process.stdout.isTTY,
  })
  switch (command) {
    case 'config':
      if (sub !== 'check')
        throw new ConfigError('command', 'use "config check" or "config example"')
      process.stdout.write('configuration is valid\n')
      return 0
    case 'migrate':
      return migrate(config, log)
    case 'accounts':
    case 'keys': {
      const store = await openConfiguredStore(config, log)
      try {
        return await runAccountCommand(
          command,
          sub,
          { args: options.args ?? [], scopes: options.scopes, name: options.name },
          store,
          (line) => process.stdout.write(`${line}\n`),
        )
      } finally {
        await store.close()
      }
    }
    case 'integrations': {
      if (sub !== 'apply' || !options.file)
        throw new ConfigError('command', 'use "integrations apply <file.json>"')
      const infra = await openInfrastructure(config, log, config.http.publicUrl ?? '')
      try {
        const done = await applyIntegrationsFile(options.file, {
          ...infra,
          connectors: connectorDefinitions,
        })
        for (const line of done) process.stdout.write(`${line}\n`)
      } finally {
        await infra.queue.close()
        await infra.store.close()
      }
      return 0
    }
    case 'sandbox': {
      const { runSandbox } = await import('./sandbox-cli.ts')
      await runSandbox(config, log)
      return undefined
    }
    case 'start':
    case 'serve':
    case 'work': {
      const roles = { http: command !== 'work', worker: command !== 'serve' }
      const bridge = await startBridge({ config, log, roles })
      stopOnSignals(log, () => bridge.close())
      return undefined
    }
    default:
      throw new ConfigError('command', `unknown command "${command}" (try --help)`)
  }
}

async function migrate(config: Config, log: Logger): Promise<number> {
  const store = await openConfiguredStore(config, log)
  await store.close()
  log.info({}, 'migrations applied')
  return 0
}

/** The configured store, migrated. */
async function openConfiguredStore(config: Config, log: Logger) {
  mkdirSync(config.dataDir, { recursive: true })
  const store = await openStore({
    url: config.store.url ?? `sqlite:${config.dataDir}/cx-bridge.db`,
    log,
  })
  await store.migrate()
  return store
}

/** Graceful stop: finish or release in-flight jobs, close the server, then exit. */
export function stopOnSignals(log: Logger, close: () => Promise<void>): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'unclean stop')
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', () => stop('SIGINT'))
  process.once('SIGTERM', () => stop('SIGTERM'))
}
