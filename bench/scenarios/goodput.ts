import type { InboundMessageRecord } from '../../emulators/genesys/index.ts'
import { checkArrivals, type SentMessage, waitForArrivals } from '../lib/arrivals.ts'
import type { BridgeWorld } from '../lib/bridge-world.ts'
import { NO_LIMITS } from '../lib/bridge-world.ts'
import { metricSum, scrapeMetrics } from '../lib/metrics.ts'
import { atFixedRate } from '../lib/pace.ts'

const WINDOW_MS = 60_000

export interface GoodputResult {
  /** Requests per token per minute, in the emulator and the bridge's limiter alike. */
  readonly perMinute: number
  readonly offeredPerMinute: number
  readonly sent: number
  /** Accepted by Genesys in the first rate window, and the span until the next window's first. */
  readonly acceptedFirstWindow: number
  readonly spanMs: number
  /** accepted / (perMinute × span): 1.0 means every request the limit allowed was used. */
  readonly goodput: number
  readonly arrivedOnce: number
  readonly missing: number
  readonly duplicates: number
  readonly sendersOutOfOrder: number
  /** 429 answers the bridge got from Genesys (the pause after the first holds the others). */
  readonly throttledCalls: number
}

/**
 * Goodput under the Genesys limit: the emulator allows `perMinute` requests per token in fixed
 * one-minute windows, which start at the first request after the previous one ended; the bridge
 * is restarted with the same budget (a fresh token, so the first window starts with this run).
 * Customers then offer `factor` × the limit for one minute, so a backlog waits at the reset.
 * Goodput = messages Genesys accepted from the first window's start until the second window's
 * first acceptance, divided by what the limit allowed over that span. A bridge that leaves
 * budget unused or resumes late after the 429's Retry-After scores below 1.
 */
export async function runGoodput(
  world: BridgeWorld,
  options: { perMinute: number; factor: number },
): Promise<GoodputResult> {
  const { emulators, customers } = world
  await world.restart('goodput', { ...NO_LIMITS, genesysPerMinute: options.perMinute })
  emulators.genesys.control.setRateLimit({ enabled: true, perMinute: options.perMinute })
  const offeredPerMinute = options.perMinute * options.factor
  const count = offeredPerMinute // one minute's worth
  const sent: SentMessage[] = []
  try {
    await atFixedRate(offeredPerMinute / 60, count, (i) => {
      sent.push(world.customerSays(customers[i % customers.length]!, `goodput ${i}`))
    })
    const received = () => emulators.genesys.control.received()
    await waitForArrivals(received, sent, 2 * WINDOW_MS)
    const records = received()
    const arrivals = checkArrivals(sent, records)
    const window = firstWindow(sent, records)
    // Only Genesys calls: the restarted bridge's catch-up also meets Graph's own 429s.
    const throttled = metricSum(await scrapeMetrics(world.bridge.url), 'cxb_http_requests_total', {
      key: 'genesys',
      status: '429',
    })
    return {
      perMinute: options.perMinute,
      offeredPerMinute,
      sent: sent.length,
      ...window,
      goodput: window.acceptedFirstWindow / ((options.perMinute * window.spanMs) / WINDOW_MS),
      arrivedOnce: arrivals.arrivedOnce,
      missing: arrivals.missing,
      duplicates: arrivals.duplicates,
      sendersOutOfOrder: arrivals.sendersOutOfOrder,
      throttledCalls: throttled ?? 0,
    }
  } finally {
    emulators.genesys.control.setRateLimit({ enabled: false })
  }
}

/** Acceptances of this run's messages in the first window, and the time to the next window. */
function firstWindow(sent: readonly SentMessage[], records: readonly InboundMessageRecord[]) {
  const texts = new Set(sent.map((m) => m.text))
  const times = records
    .filter((r) => texts.has(r.text ?? ''))
    .map((r) => Date.parse(r.receivedAt))
    .sort((a, b) => a - b)
  const start = times[0] ?? NaN
  const nextStart = times.find((t) => t >= start + WINDOW_MS) ?? NaN
  return {
    acceptedFirstWindow: times.filter((t) => t < start + WINDOW_MS).length,
    spanMs: nextStart - start,
  }
}
