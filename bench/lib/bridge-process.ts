import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { fetch } from 'undici'

import { cpuSeconds, rssMiB, spawnExecutable, stopChild } from './child.ts'

export interface BridgeProcess {
  readonly url: string
  readonly pid: number
  rssMiB(): number
  cpuSeconds(): number
  stop(): Promise<void>
}

export interface BridgeProcessOptions {
  /** `serve`: HTTP only (no worker); `work`: workers only; `start`: HTTP and worker. */
  readonly command: 'serve' | 'start' | 'work'
  readonly dataDir: string
  /** Process configuration (see src/app/config.ts); `http.port` must be a fixed port. */
  readonly config: { http: { host: string; port: number } } & Record<string, unknown>
  readonly name: string
}

/**
 * Runs the bridge as operators run it, through the `cx-bridge` launcher (`src/cli/cx-bridge
 * <command> --config <file>`, which sets the V8 heap sizing), in its own process, so its RSS
 * and CPU are its own. Resolves once `/readyz` answers 200.
 */
export async function startBridgeProcess(options: BridgeProcessOptions): Promise<BridgeProcess> {
  const configFile = join(options.dataDir, `${options.name}.config.json`)
  writeFileSync(configFile, JSON.stringify({ dataDir: options.dataDir, ...options.config }))
  const child = spawnExecutable('src/cli/cx-bridge', [options.command, '--config', configFile], {
    logFile: join(options.dataDir, `${options.name}.log`),
    env: bridgeEnv(),
  })
  const url = `http://${options.config.http.host}:${options.config.http.port}`
  const exited = new Promise<never>((_resolve, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`bridge ${options.name} exited (${code}); see its log in the data dir`)),
    ),
  )
  exited.catch(() => {})
  const pid = child.pid!
  pinToCpus(pid)
  await Promise.race([waitReady(url), exited])
  return {
    url,
    pid,
    rssMiB: () => rssMiB(pid),
    cpuSeconds: () => cpuSeconds(pid),
    stop: () => stopChild(child),
  }
}

/**
 * Extra environment for the bridge process only: BENCH_BRIDGE_NODE_OPTIONS becomes its
 * NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`; heap flags there override the
 * launcher's), BENCH_BRIDGE_ENV is a JSON object
 * of variables (e.g. `{"MALLOC_ARENA_MAX":"2"}`).
 */
function bridgeEnv(): Record<string, string> {
  const env = JSON.parse(process.env.BENCH_BRIDGE_ENV ?? '{}') as Record<string, string>
  const nodeOptions = process.env.BENCH_BRIDGE_NODE_OPTIONS
  return nodeOptions ? { ...env, NODE_OPTIONS: nodeOptions } : env
}

/**
 * BENCH_BRIDGE_CPUS (a `taskset` CPU list, e.g. `2-3`) gives the bridge cores of its own, on a
 * machine with more than two: run the harness with `taskset -c 0-1 npm run bench`, and neither
 * competes with the other. Threads the process starts later inherit the affinity.
 */
function pinToCpus(pid: number): void {
  const cpus = process.env.BENCH_BRIDGE_CPUS
  if (!cpus) return
  execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)], {
    stdio: 'ignore',
  })
}

async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`bridge at ${url} not ready after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
