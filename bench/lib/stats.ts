/** Latency percentiles (nearest rank) of samples in milliseconds. */
export interface LatencySummary {
  readonly count: number
  readonly mean: number
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? NaN : sum / sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    p999: at(0.999),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1]!,
  }
}

/** `12.3` with the given decimals, or `n/a`. */
export const fixed = (value: number, decimals = 1) =>
  Number.isFinite(value) ? value.toFixed(decimals) : 'n/a'

export const latencyLine = (s: LatencySummary) =>
  `p50 ${fixed(s.p50, 2)} ms, p90 ${fixed(s.p90, 2)} ms, p99 ${fixed(s.p99, 2)} ms, max ${fixed(s.max, 1)} ms (n=${s.count})`
