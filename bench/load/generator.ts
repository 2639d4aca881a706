/**
 * HTTP load generator, run as its own process so it does not share an event loop with the
 * server under test: `node bench/load/generator.ts '<LoadSpec JSON>'` prints one LoadResult
 * JSON line. Keep-alive connections from an undici Pool; latency of each request is measured
 * with performance.now(). Open-loop latency is counted from the request's scheduled start, so a
 * server that falls behind pays for the queue it causes (no coordinated omission).
 */
import { Pool } from 'undici'

import { type LatencySummary, summarize } from '../lib/stats.ts'
import { type GraphNotificationSpec, graphNotificationWriter } from './graph-notification.ts'

export interface LoadSpec {
  readonly url: string
  readonly connections: number
  /** closed: `connections` requests always in flight; open: `rate` requests per second. */
  readonly mode: 'closed' | 'open'
  readonly rate?: number
  /** Requests started during the warm-up are sent but not counted. */
  readonly warmupMs: number
  readonly durationMs: number
  readonly body: GraphNotificationSpec
}

export interface LoadResult {
  readonly mode: LoadSpec['mode']
  readonly offeredRate: number | undefined
  readonly measuredMs: number
  readonly completed: number
  readonly ok: number
  /** 2xx answers including the warm-up (what the server must have stored). */
  readonly okTotal: number
  readonly errors: number
  /** Open loop: requests not sent because too many were outstanding. */
  readonly skipped: number
  readonly statuses: Record<string, number>
  /** 2xx answers per second over the measured window. */
  readonly okPerSecond: number
  readonly latencyMs: LatencySummary
}

const MAX_OUTSTANDING = 20_000

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url)
  const pool = new Pool(target.origin, {
    connections: spec.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  })
  const write = graphNotificationWriter(spec.body)
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  let ok = 0
  let okTotal = 0
  let errors = 0
  let completed = 0
  let skipped = 0
  let sequence = 0

  const start = performance.now()
  const measureFrom = start + spec.warmupMs
  const end = measureFrom + spec.durationMs

  const send = async (scheduledAt: number) => {
    const body = write(sequence++)
    let status = 'error'
    try {
      const res = await pool.request({
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body,
      })
      await res.body.dump()
      status = String(res.statusCode)
    } catch {
      // counted below as an error
    }
    const done = performance.now()
    if (status.startsWith('2')) okTotal += 1
    if (scheduledAt < measureFrom || scheduledAt >= end) return
    completed += 1
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status === 'error') errors += 1
    else if (status.startsWith('2')) ok += 1
    latencies.push(done - scheduledAt)
  }

  if (spec.mode === 'closed') {
    const worker = async () => {
      while (performance.now() < end) await send(performance.now())
    }
    await Promise.all(Array.from({ length: spec.connections }, worker))
  } else {
    await openLoop(spec.rate ?? 1, start, end, send, (scheduledAt) => {
      if (scheduledAt >= measureFrom) skipped += 1
    })
  }
  await pool.close()
  return {
    mode: spec.mode,
    offeredRate: spec.mode === 'open' ? spec.rate : undefined,
    measuredMs: spec.durationMs,
    completed,
    ok,
    okTotal,
    errors,
    skipped,
    statuses,
    okPerSecond: ok / (spec.durationMs / 1000),
    latencyMs: summarize(latencies),
  }
}

/** Starts request i at start + i/rate, checking the schedule every millisecond. */
async function openLoop(
  rate: number,
  start: number,
  end: number,
  send: (scheduledAt: number) => Promise<void>,
  skip: (scheduledAt: number) => void,
): Promise<void> {
  const interval = 1000 / rate
  const inFlight = new Set<Promise<void>>()
  let issued = 0
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now()
      while (start + issued * interval <= Math.min(now, end)) {
        const scheduledAt = start + issued * interval
        issued += 1
        if (inFlight.size >= MAX_OUTSTANDING) {
          skip(scheduledAt)
          continue
        }
        const request = send(scheduledAt)
        inFlight.add(request)
        void request.finally(() => inFlight.delete(request))
      }
      if (now >= end) {
        clearInterval(timer)
        resolve()
      }
    }, 1)
  })
  await Promise.all(inFlight)
}

if (import.meta.main) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
  const result = await runLoad(spec)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
