import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A PostgreSQL cluster and a Redis server of the caller's own (temporary directory, own ports),
 * so a suite may restart them without touching the machine's shared servers that other test
 * files use. PostgreSQL comes from the Debian packages' binaries (/usr/lib/postgresql/N/bin);
 * as root the cluster runs as the `postgres` user, as initdb requires.
 */
export async function freePort(): Promise<number> {
  // A port nothing listens on now, for a process that binds it later (FIXED_PORTS below).
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = FIXED_PORTS.low + Math.floor(Math.random() * (FIXED_PORTS.high - FIXED_PORTS.low))
    if (await bindable(port)) return port
  }
  throw new Error(`no free port in ${FIXED_PORTS.low}-${FIXED_PORTS.high}`)
}

/**
 * Ports for processes that bind later (a child bridge, PostgreSQL, Redis) come from below
 * Linux's ephemeral range (32768-60999, /proc/sys/net/ipv4/ip_local_port_range). A port the OS
 * handed out for `listen(0)` and that was closed again could be handed to a parallel test file's
 * own `listen(0)` or outgoing connection before the child bound it (EADDRINUSE in CI); the OS
 * never hands out these.
 */
const FIXED_PORTS = { low: 20_000, high: 32_000 } as const

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql')
  return `/usr/lib/postgresql/${versions[0]}/bin`
}

const asRoot = process.getuid?.() === 0

/** A PostgreSQL binary's command line, as `postgres` when this process is root. */
function pgCommand(bin: string, args: readonly string[]): [string, string[]] {
  return asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(postgresBin(), bin), ...args]]
    : [join(postgresBin(), bin), [...args]]
}

function pgExec(bin: string, args: readonly string[]): string {
  const [command, argv] = pgCommand(bin, args)
  return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** pgExec without blocking the event loop: the caller keeps serving (a load balancer) meanwhile. */
function pgExecAsync(bin: string, args: readonly string[]): Promise<string> {
  const [command, argv] = pgCommand(bin, args)
  return new Promise((resolve, reject) =>
    execFile(command, argv, { encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    ),
  )
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication). */
  readonly url: string
  readonly port: number
  /** Creates a database and answers its URL. */
  createDatabase(name: string): Promise<string>
  /** A fast restart: every connection is cut, the server is back when this resolves. */
  restart(): Promise<void>
  stop(): void
}

/** A cluster in a temporary directory of its own (reachable by `postgres`), removed by stop(). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'cxb-postgres-'))
  const data = join(dir, 'pgdata')
  mkdirSync(data, { recursive: true })
  if (asRoot) {
    chmodSync(dir, 0o755)
    execFileSync('chown', ['-R', 'postgres:postgres', data])
  }
  pgExec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${data}`,
    '-c max_connections=300',
    '-c shared_buffers=64MB',
  ].join(' ')
  const ctlArgs = (args: string[]) => [
    '-D',
    data,
    '-l',
    join(data, 'server.log'),
    '-w',
    '-t',
    '60',
    ...args,
  ]
  const ctl = (args: string[]) => pgExec('pg_ctl', ctlArgs(args))
  ctl(['-o', options, 'start'])
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    url,
    port,
    async createDatabase(name) {
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    // Not execFileSync: the fault suite's load balancer runs in the calling process, and a
    // blocked event loop froze every webhook for the whole restart.
    restart: async () => {
      await pgExecAsync('pg_ctl', ctlArgs(['-m', 'fast', '-o', options, 'restart']))
    },
    stop: () => {
      try {
        ctl(['-m', 'immediate', 'stop'])
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface PrivateRedis {
  readonly url: string
  readonly port: number
  /** Stops the server (SIGTERM, no persistence) and starts it again on the same port. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort()
  let server: ChildProcess = await launchRedis(port)
  const end = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return
    const exited = new Promise((resolve) => server.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart() {
      await end()
      server = await launchRedis(port)
    },
    stop: end,
  }
}

async function launchRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Ready to accept connections')) {
        server.stdout?.off('data', onData)
        server.stdout?.resume()
        resolve()
      }
    }
    server.stdout?.on('data', onData)
    server.stderr?.resume()
    server.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)))
  })
  return server
}
