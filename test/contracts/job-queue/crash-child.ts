// Child process for job-queue.crash.test.ts: enqueues as fast as it can from many concurrent
// callers and acknowledges each job on stdout only after enqueue() resolved, until killed.
// Usage: node crash-child.ts <queue file>
import { openSqliteQueue } from '../../../src/infra/queue/sqlite-queue.ts'

const path = process.argv[2]
if (!path) throw new Error('usage: crash-child.ts <queue file>')
const queue = openSqliteQueue({ path, pollIntervalMs: 5 })

// One job is left running forever, so the kill also interrupts an active job.
const [held] = await queue.enqueue([{ task: 'hold', payload: null, dedupeKey: 'held' }])
queue.work({ hold: () => new Promise(() => {}) }, { concurrency: 1 })
process.stdout.write(`active ${held!.id}\n`)

let next = 0
await Promise.all(
  Array.from({ length: 32 }, async () => {
    for (;;) {
      const n = next++
      const [result] = await queue.enqueue([
        { task: 'deliver', payload: { n }, lane: `conv-${n % 50}`, dedupeKey: `evt-${n}` },
      ])
      process.stdout.write(`ack ${result!.id} evt-${n}\n`)
    }
  }),
)
