export type Labels = Readonly<Record<string, string>>

/** Counters, histograms and gauges; exported by infra (Prometheus) at /metrics. */
export interface Metrics {
  increment(name: string, labels?: Labels, by?: number): void
  observe(name: string, value: number, labels?: Labels): void
  set(name: string, value: number, labels?: Labels): void
}
