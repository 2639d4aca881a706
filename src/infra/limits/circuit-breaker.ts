import type { CircuitBreaker, CircuitState } from '../../core/ports/circuit-breaker.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Metrics } from '../../core/ports/metrics.ts'

/** Values of the `cxb_circuit_state{key}` gauge. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
}

export interface CircuitBreakerOptions {
  readonly clock: Clock
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number
  /** How long an open circuit refuses before a trial (default 30 s). */
  readonly coolDownMs?: number
  /** Receives `cxb_circuit_state{key}` on every change. */
  readonly metrics?: Metrics
}

interface KeyCircuit {
  state: CircuitState
  failures: number
  openedAtMs: number
  trialInFlight: boolean
}

/** A circuit per key: closed → open after N consecutive failures → half-open after the cool-down. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { clock, metrics } = options
  const threshold = options.failureThreshold ?? 5
  const coolDownMs = options.coolDownMs ?? 30_000
  const circuits = new Map<string, KeyCircuit>()

  const circuitOf = (key: string): KeyCircuit => {
    let circuit = circuits.get(key)
    if (!circuit) {
      circuit = { state: 'closed', failures: 0, openedAtMs: 0, trialInFlight: false }
      circuits.set(key, circuit)
      metrics?.set('cxb_circuit_state', CIRCUIT_STATE_VALUE.closed, { key })
    }
    return circuit
  }

  const moveTo = (key: string, circuit: KeyCircuit, state: CircuitState) => {
    if (circuit.state === state) return
    circuit.state = state
    metrics?.set('cxb_circuit_state', CIRCUIT_STATE_VALUE[state], { key })
  }

  /** Open circuits become half-open lazily, when someone looks after the cool-down. */
  const current = (key: string): KeyCircuit => {
    const circuit = circuitOf(key)
    if (circuit.state === 'open' && clock.nowMs() - circuit.openedAtMs >= coolDownMs) {
      moveTo(key, circuit, 'half-open')
      circuit.trialInFlight = false
    }
    return circuit
  }

  return {
    allow(key) {
      const circuit = current(key)
      if (circuit.state === 'closed') return true
      if (circuit.state === 'open' || circuit.trialInFlight) return false
      circuit.trialInFlight = true
      return true
    },
    success(key) {
      const circuit = current(key)
      circuit.failures = 0
      circuit.trialInFlight = false
      moveTo(key, circuit, 'closed')
    },
    failure(key) {
      const circuit = current(key)
      circuit.failures += 1
      circuit.trialInFlight = false
      if (circuit.state === 'half-open' || circuit.failures >= threshold) {
        circuit.openedAtMs = clock.nowMs()
        moveTo(key, circuit, 'open')
      }
    },
    cancel(key) {
      current(key).trialInFlight = false
    },
    state: (key) => current(key).state,
    retryInMs(key) {
      const circuit = current(key)
      if (circuit.state !== 'open') return 0
      return Math.max(0, circuit.openedAtMs + coolDownMs - clock.nowMs())
    },
  }
}
