import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAX_LOG_LINES = 200

/** `cx-bridge start` (or serve, work) as a child process with its CXB_* environment. */
export class BridgeProcess {
  readonly #env: Record<string, string>
  readonly #url: string
  readonly #command: 'start' | 'serve' | 'work'
  #child: ChildProcess | undefined
  /** The previous child, once stopped or killed (its exit stays readable). */
  #last: ChildProcess | undefined
  #onCrash: ((exit: { code: number | null; signal: string | null }) => void) | undefined
  /** The child's last output lines (all runs), for failure messages. */
  readonly output: string[] = []
  readonly starts: number[] = []

  /** `url`: where its `/readyz` answers (a worker-only process serves only that and metrics). */
  constructor(
    url: string,
    env: Record<string, string>,
    command: 'start' | 'serve' | 'work' = 'start',
  ) {
    this.#url = url
    this.#env = env
    this.#command = command
  }

  get url(): string {
    return this.#url
  }

  /** The child's exit, or undefined while none has run or it is still running. */
  get exit(): { code: number | null; signal: string | null } | undefined {
    const child = this.#child ?? this.#last
    if (!child || (child.exitCode === null && child.signalCode === null)) return undefined
    return { code: child.exitCode, signal: child.signalCode }
  }

  /** Spawns `node src/cli/main.ts <command>` (process.execPath is Node 24 under vitest). */
  start(): void {
    if (this.#child) throw new Error('bridge already running')
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('CXB_')),
    )
    const child = spawn(process.execPath, ['src/cli/main.ts', this.#command], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const run = this.starts.length
    this.starts.push(Date.now())
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8')
      stream?.on('data', (chunk: string) => this.#record(run, chunk))
    }
    this.#child = child
    child.once('exit', (code, signal) => {
      // Exited by itself (not through kill() or stop()): what a supervisor restarts.
      if (this.#child !== child) return
      this.#child = undefined
      this.#last = child
      this.#onCrash?.({ code, signal })
    })
  }

  /** Called when the child exits by itself, as systemd's `Restart=always` would be. */
  onCrash(listener: (exit: { code: number | null; signal: string | null }) => void): void {
    this.#onCrash = listener
  }

  get running(): boolean {
    return this.#child !== undefined
  }

  /** Polls `/readyz` until it answers 200, or fails if the child exits first. */
  async waitReady(timeoutMs = 20_000): Promise<number> {
    const started = Date.now()
    const child = this.#child
    if (!child) throw new Error('bridge not running')
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`bridge exited (${child.exitCode ?? child.signalCode}):\n${this.tail()}`)
      try {
        const response = await fetch(`${this.#url}/readyz`, { signal: AbortSignal.timeout(1000) })
        if (response.status === 200) return Date.now() - started
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`bridge not ready after ${timeoutMs} ms:\n${this.tail()}`)
  }

  /** SIGKILL: no graceful stop, in-flight requests and jobs are cut wherever they are. */
  kill(): Promise<void> {
    return this.#end('SIGKILL')
  }

  /** SIGTERM and wait for the graceful stop (SIGKILL after 10 s). */
  stop(): Promise<void> {
    return this.#end('SIGTERM')
  }

  async #end(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const child = this.#child
    this.#child = undefined
    this.#last = child ?? this.#last
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n')
  }

  #record(run: number, chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line.trim()) this.output.push(`[run ${run}] ${line}`)
    }
    if (this.output.length > MAX_LOG_LINES)
      this.output.splice(0, this.output.length - MAX_LOG_LINES)
  }
}
