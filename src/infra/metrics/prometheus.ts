import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  type Metric,
  Registry,
} from 'prom-client'

import type { Labels, Metrics } from '../../core/ports/metrics.ts'
import { METRIC_CATALOGUE, type MetricSpec } from './catalogue.ts'

export interface PrometheusMetrics extends Metrics {
  /** The body and Content-Type for GET /metrics. */
  render(): Promise<{ readonly contentType: string; readonly body: string }>
  /** The private registry (tests, or to add collectors). */
  readonly registry: Registry
}

interface Entry {
  readonly spec: MetricSpec
  readonly metric: Metric<string>
}

const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/**
 * Metrics on prom-client with a private Registry (two instances in one process, as in tests,
 * never collide). Metrics are created on first use from the catalogue. Recording a metric
 * never throws: a bad name or value is dropped, unknown labels are dropped and missing ones
 * are set to "".
 */
export function createPrometheusMetrics(
  options: { defaultMetrics?: boolean } = {},
): PrometheusMetrics {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  const entries = new Map<string, Entry>()

  const entryFor = (name: string, fallback: MetricSpec['type'], labels: Labels | undefined) => {
    const existing = entries.get(name)
    if (existing) return existing
    if (!VALID_NAME.test(name)) return undefined
    const spec = METRIC_CATALOGUE[name] ?? {
      type: fallback,
      help: `${name} (not in the metric catalogue)`,
      labelNames: Object.keys(labels ?? {}),
    }
    const entry: Entry = { spec, metric: build(name, spec, registry) }
    entries.set(name, entry)
    return entry
  }

  return {
    registry,
    increment(name, labels, by = 1) {
      const entry = entryFor(name, 'counter', labels)
      if (!entry || !Number.isFinite(by) || by < 0) return
      const values = labelValues(entry.spec, labels)
      if (entry.metric instanceof Counter || entry.metric instanceof Gauge)
        entry.metric.inc(values, by)
    },
    observe(name, value, labels) {
      const entry = entryFor(name, 'histogram', labels)
      if (!entry || !Number.isFinite(value)) return
      if (entry.metric instanceof Histogram)
        entry.metric.observe(labelValues(entry.spec, labels), value)
    },
    set(name, value, labels) {
      const entry = entryFor(name, 'gauge', labels)
      if (!entry || !Number.isFinite(value)) return
      if (entry.metric instanceof Gauge) entry.metric.set(labelValues(entry.spec, labels), value)
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() }
    },
  }
}

function build(name: string, spec: MetricSpec, registry: Registry): Metric<string> {
  const common = { name, help: spec.help, labelNames: [...spec.labelNames], registers: [registry] }
  switch (spec.type) {
    case 'counter':
      return new Counter(common)
    case 'gauge':
      return new Gauge(common)
    case 'histogram':
      return new Histogram({ ...common, ...(spec.buckets ? { buckets: [...spec.buckets] } : {}) })
  }
}

function labelValues(spec: MetricSpec, labels: Labels | undefined): Record<string, string> {
  const values: Record<string, string> = {}
  for (const name of spec.labelNames) values[name] = labels?.[name] ?? ''
  return values
}
