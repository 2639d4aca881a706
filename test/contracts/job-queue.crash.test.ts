import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { afterEach, describe, expect, it } from 'vitest'

import { openSqliteQueue } from '../../src/infra/queue/sqlite-queue.ts'
import { createTempDir, type TempDir } from '../support/temp-dir.ts'

const CHILD = fileURLToPath(new URL('./job-queue/crash-child.ts', import.meta.url))
const ACKS_BEFORE_KILL = 500

describe('embedded job queue under SIGKILL', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())

  it('keeps every acknowledged job and runs the interrupted one again', async () => {
    dir = createTempDir('cxb-queue-crash-')
    const path = dir.file('queue.db')
    const acked = new Map<string, string>()
    let active: string | undefined

    // process.execPath is the Node 24 that runs vitest (the npm `node` package), which runs .ts.
    const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    )
    await new Promise<void>((resolve, reject) => {
      let buffered = ''
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString()
        const lines = buffered.split('\n')
        buffered = lines.pop()!
        for (const line of lines) {
          const [kind, id, key] = line.split(' ')
          if (kind === 'active') active = id
          if (kind === 'ack') acked.set(id!, key!)
        }
        if (acked.size >= ACKS_BEFORE_KILL && active) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)))
    })
    expect(await exited).toBe('SIGKILL')

    const queue = openSqliteQueue({ path, pollIntervalMs: 5 })
    try {
      for (const [id, key] of acked) {
        const job = await queue.get(id)
        expect(job?.dedupeKey, `acknowledged job ${id}`).toBe(key)
      }
      expect(await queue.get(active!)).toMatchObject({ state: 'queued', attempt: 1 })
      let reran = false
      queue.work(
        { hold: async () => void (reran = true), deliver: async () => {} },
        { concurrency: 4 },
      )
      await queue.idle()
      expect(reran).toBe(true)
      expect((await queue.get(active!))?.state).toBe('done')
      expect(await queue.stats()).toMatchObject({ queued: 0, active: 0, parked: 0, failed: 0 })
    } finally {
      await queue.close()
    }
  })
})
