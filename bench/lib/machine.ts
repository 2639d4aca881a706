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
