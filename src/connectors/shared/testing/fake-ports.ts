import { setTimeout as sleep } from 'node:timers/promises'

import type { CircuitBreaker } from '../../../core/ports/circuit-breaker.ts'
import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { Labels, Metrics } from '../../../core/ports/metrics.ts'
import type { RateLimiter } from '../../../core/ports/rate-limiter.ts'

/** Test doubles for the ports the HTTP client uses (connectors/shared may not import infra). */
export const realClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
}

/** Unlimited, but honours pauses like the real limiter, and records them. */
export function recordingLimiter(): RateLimiter & { pauses: Array<[string, number]> } {
  const pausedUntil = new Map<string, number>()
  const pauses: Array<[string, number]> = []
  return {
    pauses,
    async acquire(key, signal) {
      const wait = (pausedUntil.get(key) ?? 0) - Date.now()
      if (wait > 0) await sleep(wait, undefined, { signal })
    },
    async pause(key, ms) {
      pauses.push([key, ms])
      pausedUntil.set(key, Math.max(pausedUntil.get(key) ?? 0, Date.now() + ms))
    },
  }
}

export function recordingMetrics(): Metrics & {
  calls: Array<{ op: string; name: string; labels?: Labels; value: number }>
  count(name: string, labels: Labels): number
} {
  const calls: Array<{ op: string; name: string; labels?: Labels; value: number }> = []
  const push = (op: string) => (name: string, value: number, labels?: Labels) =>
    calls.push({ op, name, value, ...(labels ? { labels } : {}) })
  return {
    calls,
    increment: (name, labels, by = 1) => push('increment')(name, by, labels),
    observe: (name, value, labels) => push('observe')(name, value, labels),
    set: (name, value, labels) => push('set')(name, value, labels),
    count: (name, labels) =>
      calls
        .filter(
          (c) => c.name === name && Object.entries(labels).every(([k, v]) => c.labels?.[k] === v),
        )
        .reduce((sum, c) => sum + c.value, 0),
  }
}

/** A Logger that keeps every entry as JSON text, to check what would have been written. */
export function capturingLogger(
  lines: string[] = [],
  bindings: object = {},
): Logger & {
  lines: string[]
} {
  const write = (level: string) => (obj: object, msg?: string) =>
    lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }))
  return {
    lines,
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  }
}

/** A breaker whose verdicts the test sets, recording what the client reported. */
export function scriptedBreaker(open = false): CircuitBreaker & { reports: string[] } {
  const reports: string[] = []
  return {
    reports,
    allow: () => !open,
    success: (key) => void reports.push(`success:${key}`),
    failure: (key) => void reports.push(`failure:${key}`),
    cancel: (key) => void reports.push(`cancel:${key}`),
    state: () => (open ? 'open' : 'closed'),
    retryInMs: () => (open ? 5000 : 0),
  }
}
