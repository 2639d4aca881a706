import { emulatorTls } from '../../emulators/kit/server.ts'
import type { HttpClient, HttpRequest } from '../../src/connectors/shared/http.ts'
import { createExtraCaAgent, createHttpClient } from '../../src/connectors/shared/http-client.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import type { Logger } from '../../src/core/ports/logger.ts'
import type { RateLimiter } from '../../src/core/ports/rate-limiter.ts'
import { createMemoryRateLimiter } from '../../src/infra/limits/memory-limiter.ts'
import { createPrometheusMetrics } from '../../src/infra/metrics/prometheus.ts'

export const silentLog: Logger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLog,
}

/**
 * The shared HttpClient as the app wires it (rate keys on the given limiter, the emulators'
 * test CA as an extra CA), recording each request so tests can check rate keys.
 */
export function bridgeHttpClient(input: {
  clock: Clock
  limiter?: RateLimiter
}): HttpClient & { calls: HttpRequest[] } {
  const inner = createHttpClient({
    clock: input.clock,
    limiter: input.limiter ?? createMemoryRateLimiter({ budgets: {}, clock: input.clock }),
    metrics: createPrometheusMetrics({ defaultMetrics: false }),
    log: silentLog,
    dispatcher: createExtraCaAgent(emulatorTls().cert),
  })
  const calls: HttpRequest[] = []
  return {
    calls,
    request(req) {
      calls.push(req)
      return inner.request(req)
    },
  }
}
