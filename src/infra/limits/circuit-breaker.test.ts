import { describe, expect, it } from 'vitest'

import type { Labels, Metrics } from '../../core/ports/metrics.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { createCircuitBreaker } from './circuit-breaker.ts'

function recordingMetrics() {
  const gauges: Array<{ name: string; value: number; labels?: Labels }> = []
  const metrics: Metrics = {
    increment: () => {},
    observe: () => {},
    set: (name, value, labels) => gauges.push({ name, value, labels }),
  }
  return { metrics, gauges }
}

describe('circuit breaker', () => {
  it('opens after N consecutive failures, refuses during the cool-down, then allows one trial', () => {
    const clock = new ManualClock(0)
    const { metrics, gauges } = recordingMetrics()
    const breaker = createCircuitBreaker({ clock, failureThreshold: 3, coolDownMs: 1000, metrics })
    breaker.failure('k')
    breaker.failure('k')
    breaker.success('k') // resets the consecutive count
    breaker.failure('k')
    breaker.failure('k')
    expect(breaker.state('k')).toBe('closed')
    breaker.failure('k')
    expect(breaker.state('k')).toBe('open')
    expect(breaker.allow('k')).toBe(false)
    expect(breaker.allow('other')).toBe(true)
    clock.advance(400)
    expect(breaker.retryInMs('k')).toBe(600)
    clock.advance(600)
    expect(breaker.state('k')).toBe('half-open')
    expect(breaker.allow('k')).toBe(true)
    expect(breaker.allow('k')).toBe(false) // one trial at a time
    breaker.success('k')
    expect(breaker.state('k')).toBe('closed')
    expect(gauges.filter((g) => g.labels?.key === 'k').map((g) => g.value)).toEqual([0, 2, 1, 0])
    expect(gauges[1]).toEqual({ name: 'cxb_circuit_state', value: 2, labels: { key: 'k' } })
  })

  it('re-opens when the half-open trial fails, and frees the trial slot on cancel', () => {
    const clock = new ManualClock(0)
    const breaker = createCircuitBreaker({ clock, failureThreshold: 1, coolDownMs: 100 })
    breaker.failure('k')
    clock.advance(100)
    expect(breaker.allow('k')).toBe(true)
    breaker.cancel('k')
    expect(breaker.allow('k')).toBe(true)
    breaker.failure('k')
    expect(breaker.state('k')).toBe('open')
    expect(breaker.retryInMs('k')).toBe(100)
  })
})
