import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, release, totalmem } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'

export interface MachineInfo {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly kernel: string
  readonly node: string
  /** 1-minute load average when the run started (other processes on the box count too). */
  readonly loadAverage: number
  /** One small SQLite commit with synchronous=FULL in the data dir (an fsync), median ms. */
  readonly fsyncCommitMs: number
  /**
   * One small unit of the bridge's kind of work (a SQLite insert and read, a JSON round trip),
   * median µs: back to back, and after 20 ms idle. Virtual machines differ most in the second:
   * a vCPU that idled comes back with cold caches.
   */
  readonly workUnitUs: { readonly warm: number; readonly afterIdle: number }
}

export function describeMachine(dataDir: string): MachineInfo {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    loadAverage: loadavg()[0]!,
    fsyncCommitMs: probeCommitMs(dataDir),
    workUnitUs: probeWorkUnit(dataDir),
  }
}

const IDLE_GAP_MS = 20

function probeWorkUnit(dataDir: string): { warm: number; afterIdle: number } {
  const dir = mkdtempSync(join(dataDir, 'work-probe-'))
  const db = new Database(join(dir, 'probe.db'))
  const sleeper = new Int32Array(new SharedArrayBuffer(4))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)')
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)')
    const read = db.prepare('SELECT * FROM t WHERE id = ?')
    const body = JSON.stringify({ value: [{ resource: "chats('19:x')/messages('1')", n: 0 }] })
    let n = 0
    const unit = () => {
      const started = performance.now()
      const json = JSON.parse(body) as { value: Array<{ n: number }> }
      json.value[0]!.n = n += 1
      const { lastInsertRowid } = insert.run(`k${n}`, JSON.stringify(json))
      read.get(lastInsertRowid)
      return (performance.now() - started) * 1000
    }
    const median = (samples: number[]) => samples.sort((a, b) => a - b)[samples.length >> 1]!
    for (let i = 0; i < 200; i += 1) unit()
    const warm = median(Array.from({ length: 500 }, unit))
    const afterIdle = median(
      Array.from({ length: 30 }, () => {
        Atomics.wait(sleeper, 0, 0, IDLE_GAP_MS)
        return unit()
      }),
    )
    return { warm, afterIdle }
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * What one durable commit costs where the bridge keeps its files: the bridge commits with
 * synchronous=FULL, so this bounds how many separate commits per second one thread can make.
 */
function probeCommitMs(dataDir: string): number {
  const dir = mkdtempSync(join(dataDir, 'fsync-probe-'))
  const db = new Database(join(dir, 'probe.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)')
    const samples: number[] = []
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now()
      insert.run('x'.repeat(500))
      samples.push(performance.now() - started)
    }
    return samples.sort((a, b) => a - b)[samples.length >> 1]!
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
