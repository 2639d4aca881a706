import { describe, expect, it } from 'vitest'

import { createPrometheusMetrics } from './prometheus.ts'

describe('createPrometheusMetrics', () => {
  it('renders catalogue metrics with their help text, type and labels', async () => {
    const metrics = createPrometheusMetrics({ defaultMetrics: false })
    metrics.increment('cxb_http_requests_total', { key: 'genesys', status: '200' })
    metrics.increment('cxb_http_requests_total', { key: 'genesys', status: '200' }, 2)
    metrics.observe('cxb_http_request_duration_seconds', 0.3, { key: 'genesys' })
    metrics.set('cxb_circuit_state', 2, { key: 'graph' })
    const { contentType, body } = await metrics.render()
    expect(contentType).toMatch(/^text\/plain/)
    expect(body).toContain('# HELP cxb_http_requests_total Outbound HTTP requests')
    expect(body).toContain('# TYPE cxb_http_requests_total counter')
    expect(body).toContain('cxb_http_requests_total{key="genesys",status="200"} 3')
    expect(body).toContain('cxb_http_request_duration_seconds_bucket{le="0.5",key="genesys"} 1')
    expect(body).toContain('cxb_circuit_state{key="graph"} 2')
  })

  it('creates unknown metrics by the calling method and never throws on odd labels', async () => {
    const metrics = createPrometheusMetrics({ defaultMetrics: false })
    metrics.increment('cxb_custom_total', { a: 'x' })
    metrics.increment('cxb_custom_total', { b: 'y' })
    metrics.set('cxb_custom_gauge', 5)
    metrics.observe('cxb_custom_seconds', 1)
    metrics.increment('bad name!', {})
    metrics.observe('cxb_custom_seconds', Number.NaN)
    const { body } = await metrics.render()
    expect(body).toContain('# TYPE cxb_custom_total counter')
    expect(body).toContain('cxb_custom_total{a="x"} 1')
    expect(body).toContain('cxb_custom_total{a=""} 1')
    expect(body).toContain('# TYPE cxb_custom_gauge gauge')
    expect(body).toContain('cxb_custom_seconds_count 1')
    expect(body).not.toContain('bad name')
  })

  it('keeps registries apart and includes default process metrics', async () => {
    const one = createPrometheusMetrics()
    const two = createPrometheusMetrics()
    one.increment('cxb_jobs_total', { task: 't', outcome: 'done' })
    expect((await two.render()).body).not.toContain('cxb_jobs_total{')
    expect((await one.render()).body).toContain('process_cpu_user_seconds_total')
  })
})
