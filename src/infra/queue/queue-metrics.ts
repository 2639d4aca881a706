import type { Metrics } from '../../core/ports/metrics.ts'

export type JobOutcomeLabel = 'done' | 'retry' | 'parked' | 'failed' | 'released'

/** The queue's metric names in one place (exported at /metrics by infra). */
export interface QueueMetrics {
  finished(task: string, outcome: JobOutcomeLabel): void
  duration(task: string, seconds: number): void
  depth(queued: number): void
}

export function queueMetrics(metrics: Metrics | undefined): QueueMetrics {
  return {
    finished: (task, outcome) => metrics?.increment('cxb_queue_jobs_total', { task, outcome }),
    duration: (task, seconds) =>
      metrics?.observe('cxb_queue_job_duration_seconds', seconds, { task }),
    depth: (queued) => metrics?.set('cxb_queue_depth', queued),
  }
}
