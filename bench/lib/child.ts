import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const REPO_DIR = fileURLToPath(new URL('../../', import.meta.url))

/** The environment without CXB_* settings of the caller, so children see only what we pass. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CXB_')) env[name] = value
  }
  return { ...env, ...extra }
}

interface SpawnOptions {
  logFile?: string
  env?: Record<string, string>
  keepStdout?: boolean
}

/**
 * Starts `node <script> ...args` with this process's Node (the project's Node 24). stderr, and
 * stdout unless the caller reads it, go to `logFile`.
 */
export function spawnNode(
  script: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawnLogged(process.execPath, [script, ...args], options)
}

/**
 * Starts an executable of the repository (e.g. the `src/cli/cx-bridge` launcher) with this
 * process's Node first on PATH, so a launcher's `node` is the project's Node 24.
 */
export function spawnExecutable(
  file: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`
  return spawnLogged(join(REPO_DIR, file), args, {
    ...options,
    env: { ...options.env, PATH: path },
  })
}

function spawnLogged(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  const child = spawn(command, args, {
    cwd: REPO_DIR,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined
  if (log) child.stderr!.pipe(log)
  else child.stderr!.resume()
  if (!options.keepStdout) {
    if (log) child.stdout!.pipe(log)
    else child.stdout!.resume()
  }
  return child
}

/** The first stdout line of a child, parsed as JSON (rejects if it exits first). */
export function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    const onExit = (code: number | null) =>
      reject(new Error(`child exited (${code}) before printing its result`))
    child.once('exit', onExit)
    lines.once('line', (line) => {
      child.off('exit', onExit)
      try {
        resolve(JSON.parse(line) as T)
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)))
      }
    })
  })
}

/** Runs `node <script> <json>` to completion and returns the JSON line it printed. */
export async function runNodeJson<T>(script: string, input: unknown, logFile?: string): Promise<T> {
  const child = spawnNode(script, [JSON.stringify(input)], {
    keepStdout: true,
    ...(logFile ? { logFile } : {}),
  })
  const result = firstJsonLine<T>(child)
  await new Promise((resolve) => child.once('exit', resolve))
  return result
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN)
  return kb / 1024
}

const CLOCK_TICKS_PER_SECOND = 100

/** User + system CPU seconds a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND
}

/** SIGTERM, then SIGKILL if the child has not exited after `timeoutMs`. */
export async function stopChild(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}
