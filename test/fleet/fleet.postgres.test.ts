import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openPgBossQueue } from '../../src/infra/queue/pg-boss/pg-boss-queue.ts'
import type { BridgeProcess } from '../e2e/bridge-process.ts'
import { eventually } from '../support/sandbox.ts'
import { type FleetWorld, startFleetWorld } from './fleet-world.ts'

const CHECK_INTERVAL_MS = 1000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface JobRow {
  readonly id: string
  readonly task: string
  readonly key: string | null
  readonly state: string
  readonly retries: number
}

describe('worker processes sharing one PostgreSQL (pg-boss)', () => {
  let world: FleetWorld
  let db: pg.Client
  const workers: BridgeProcess[] = []
  const jobs = async (task: string): Promise<JobRow[]> =>
    (
      await db.query<JobRow>(
        `SELECT id, data->>'task' AS task, data->>'dedupeKey' AS key, state::text AS state,
                retry_count AS retries
           FROM pgboss.job WHERE name = 'cxb-jobs' AND data->>'task' = $1 ORDER BY created_on`,
        [task],
      )
    ).rows

  beforeAll(async () => {
    world = await startFleetWorld({
      env: {
        CXB_SUBSCRIPTIONS__CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS),
        CXB_SUBSCRIPTIONS__CATCH_UP_INTERVAL_MS: '60000',
        CXB_QUEUE__STOP_GRACE_MS: '300',
      },
    })
    db = new pg.Client({ connectionString: world.database.url })
    await db.connect()
    world.web.start()
    await world.web.waitReady()
  }, 60_000)
  afterAll(async () => {
    await db?.end()
    await world?.close()
  })

  it('runs each fleet singleton once per period, not once per process', async () => {
    const [a, b] = [await world.worker(), await world.worker()]
    workers.push(a, b)
    a.start()
    b.start()
    await Promise.all([a.waitReady(), b.waitReady()])
    const since = Date.now()
    await sleep(3.5 * CHECK_INTERVAL_MS)
    const until = Date.now()

    const keeps = (await jobs('customer-chat.keep-subscriptions')).filter((j) =>
      j.key?.startsWith('singleton:'),
    )
    // singleton:{name}:{period length}:{period number}
    const periods = keeps.map((j) => Number(j.key!.split(':').at(-1)))
    expect(new Set(periods).size, JSON.stringify(keeps)).toBe(periods.length)
    // Both workers offered every period since they started; each period ran once.
    const watched = periods.filter(
      (p) => p >= Math.ceil(since / CHECK_INTERVAL_MS) && p < Math.floor(until / CHECK_INTERVAL_MS),
    )
    // (One period may go by unoffered when a loaded machine stalls both workers' timers.)
    expect(watched.length, JSON.stringify(keeps)).toBeGreaterThanOrEqual(
      Math.floor(until / CHECK_INTERVAL_MS) - Math.ceil(since / CHECK_INTERVAL_MS) - 1,
    )
    const sweeps = await jobs('customer-chat.catch-up-sweep')
    expect(sweeps.length, JSON.stringify(sweeps)).toBeGreaterThanOrEqual(1)
    expect(sweeps.length, JSON.stringify(sweeps)).toBeLessThanOrEqual(2)
    await eventually('the singletons ran', async () => {
      const all = [...(await jobs('customer-chat.keep-subscriptions')), ...sweeps]
      return all.slice(0, -1).every((j) => j.state === 'completed')
    })
    // One subscription for the one watched chat, created by one of the two workers.
    expect(world.graph.control.subscriptions()).toHaveLength(1)
    // A worker answers /readyz on its own port, checking the database and the queue.
    const ready = await fetch(`${a.url}/readyz`)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'queue', ok: true },
      ],
    })
  }, 60_000)

  it('on SIGTERM gives a job still running after the grace period back as queued for another worker', async () => {
    const [a, b] = workers as [BridgeProcess, BridgeProcess]
    await b.stop()
    expect(b.exit).toEqual({ code: 0, signal: null })
    // The customer's Genesys conversation exists already. (A cut first message would wait up to
    // 90 s for Genesys' receipt before its resend: docs/architecture.md, "Resends to Genesys".)
    const earlier = 'an earlier message of this customer'
    world.graph.control.userSends({
      chatId: world.demo.chatId,
      userId: world.demo.customer.id,
      text: earlier,
    })
    await eventually('the earlier message in Genesys', () =>
      world.genesys.control.received().some((r) => r.text === earlier),
    )
    // Its job is recorded done after Genesys took it; until then it would pass for the job below.
    await eventually('the earlier message job done', async () =>
      (await jobs('customer-chat.from-channel')).every((j) => j.state !== 'active'),
    )
    const before = new Set((await jobs('customer-chat.from-channel')).map((j) => j.id))
    // The worker's send to Genesys hangs for 20 s, far beyond the 300 ms grace period.
    world.genesys.control.failNext({
      route: 'genesys.inbound.message',
      latencyMs: 20_000,
      status: 503,
    })
    const text = 'held by a worker that is asked to stop'
    world.graph.control.userSends({
      chatId: world.demo.chatId,
      userId: world.demo.customer.id,
      text,
    })
    let running: JobRow | undefined
    await eventually('the message job runs', async () => {
      running = (await jobs('customer-chat.from-channel')).find(
        (j) => j.state === 'active' && !before.has(j.id),
      )
      return running !== undefined
    })

    const stopping = Date.now()
    await a.stop()
    const stopMs = Date.now() - stopping
    expect(a.exit, a.tail()).toEqual({ code: 0, signal: null })
    expect(stopMs).toBeLessThan(8_000)

    const queue = await openPgBossQueue({ connectionString: world.database.url })
    try {
      expect(await queue.get(running!.id)).toMatchObject({ state: 'queued', attempt: 0 })
      const c = await world.worker()
      c.start()
      await c.waitReady()
      await eventually(
        'the message delivered by the next worker',
        async () => (await queue.get(running!.id))?.state === 'done',
        40_000,
      )
      expect(world.genesys.control.received().filter((r) => r.text === text)).toHaveLength(1)
      await c.stop()
    } finally {
      await queue.close()
    }
  }, 90_000)
})
