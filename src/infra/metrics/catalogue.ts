/**
 * Every metric cx-bridge exports, with its help text and labels, in one place. A name used in
 * code but missing here still works (its type comes from the call: increment → counter,
 * observe → histogram, set → gauge), but add it here so /metrics documents it.
 */
export interface MetricSpec {
  readonly type: 'counter' | 'histogram' | 'gauge'
  readonly help: string
  readonly labelNames: readonly string[]
  /** Histogram buckets (default: prom-client's, suited to seconds). */
  readonly buckets?: readonly number[]
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

export const METRIC_CATALOGUE: Readonly<Record<string, MetricSpec>> = {
  cxb_http_requests_total: {
    type: 'counter',
    help: 'Outbound HTTP requests by remote key and status (or error kind)',
    labelNames: ['key', 'status'],
  },
  cxb_http_request_duration_seconds: {
    type: 'histogram',
    help: 'Duration of one outbound HTTP attempt, by remote key',
    labelNames: ['key'],
    buckets: SECONDS,
  },
  cxb_http_retries_total: {
    type: 'counter',
    help: 'Outbound HTTP retries inside one call, by remote key and reason',
    labelNames: ['key', 'reason'],
  },
  cxb_subscriptions_expiring: {
    type: 'gauge',
    help: 'Subscriptions expiring within 6 hours although keeping renews them long before (renewals failing), per integration',
    labelNames: ['integrationId'],
  },
  cxb_circuit_state: {
    type: 'gauge',
    help: 'Circuit breaker state per remote key: 0 closed, 1 half-open, 2 open',
    labelNames: ['key'],
  },
  cxb_rate_limit_wait_seconds: {
    type: 'histogram',
    help: 'Time spent waiting for rate-limit budget, by remote key',
    labelNames: ['key'],
    buckets: SECONDS,
  },
  cxb_webhook_requests_total: {
    type: 'counter',
    help: 'Inbound webhook calls by connector kind and outcome',
    labelNames: ['kind', 'outcome'],
  },
  cxb_jobs_total: {
    type: 'counter',
    help: 'Finished job runs by task and outcome (done, retry, failed, parked)',
    labelNames: ['task', 'outcome'],
  },
  cxb_job_duration_seconds: {
    type: 'histogram',
    help: 'Duration of one job run, by task',
    labelNames: ['task'],
    buckets: SECONDS,
  },
  cxb_queue_jobs: {
    type: 'gauge',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
  },
  cxb_messages_total: {
    type: 'counter',
    help: 'Messages handled by flow, direction and delivery state',
    labelNames: ['flow', 'direction', 'state'],
  },
  cxb_resend_checks_total: {
    type: 'counter',
    help: 'Resends checked at the remote before sending again, by remote and outcome (found, absent, waiting, unverified)',
    labelNames: ['remote', 'outcome'],
  },
  cxb_secret_reads_total: {
    type: 'counter',
    help: 'Secret reads by source (env, file, keyvault, store) and outcome (hit, miss, cached, error)',
    labelNames: ['source', 'outcome'],
  },
  cxb_blob_bytes_total: {
    type: 'counter',
    help: 'Bytes written to the blob store',
    labelNames: [],
  },
  cxb_downloads_total: {
    type: 'counter',
    help: 'Attachment downloads by outcome (ok, refused, failed)',
    labelNames: ['outcome'],
  },
  cxb_bot_turns_total: {
    type: 'counter',
    help: 'AI bot turns by outcome (answered, failed, refused, reset, ignored)',
    labelNames: ['outcome'],
  },
  cxb_retention_purged_total: {
    type: 'counter',
    help: 'Rows and blobs deleted by retention, by kind (messages, conversations, state, blobs, integration-events, key-value)',
    labelNames: ['kind'],
  },
}
