import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { createHttpClient } from '../../src/connectors/shared/http-client.ts'
import { RemoteUnavailableError } from '../../src/core/errors.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { createCircuitBreaker } from '../../src/infra/limits/circuit-breaker.ts'
import { createMemoryRateLimiter } from '../../src/infra/limits/memory-limiter.ts'
import { createLogger } from '../../src/infra/logging/create-logger.ts'
import { createPrometheusMetrics } from '../../src/infra/metrics/prometheus.ts'
import { createKeyVaultClient } from '../../src/infra/secrets/keyvault-client.ts'

type Handler = (res: ServerResponse, n: number, path: string, auth?: string) => void

const servers: Array<{ close(): void; closeAllConnections(): void }> = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    server.close()
  }
})

async function serve(handler: Handler): Promise<string> {
  let n = 0
  const server = createServer((req, res) =>
    handler(res, n++, req.url ?? '/', req.headers.authorization),
  )
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function wire() {
  const lines: string[] = []
  const metrics = createPrometheusMetrics({ defaultMetrics: false })
  const limiter = createMemoryRateLimiter({
    budgets: { remote: { limit: 100, intervalMs: 1000 } },
    clock: systemClock,
  })
  const breaker = createCircuitBreaker({ clock: systemClock, failureThreshold: 2, metrics })
  const log = createLogger({ level: 'debug', destination: { write: (s: string) => lines.push(s) } })
  const http = createHttpClient({
    limiter,
    clock: systemClock,
    metrics,
    log,
    breaker,
    backoff: { baseMs: 1, maxMs: 5 },
  })
  return { http, metrics, breaker, lines }
}

describe('HTTP client wired to the real limiter, breaker, metrics and logger', () => {
  it('a 429 pauses every caller on the key, not just the one that got it', async () => {
    const { http, metrics } = wire()
    let throttledAt = 0
    const base = await serve((res, _n, path) => {
      if (path === '/a' && !throttledAt) {
        throttledAt = Date.now()
        return void res.writeHead(429, { 'retry-after': '0.3' }).end()
      }
      res.writeHead(200).end(String(Date.now()))
    })
    const first = http.request({ method: 'GET', url: `${base}/a`, rateKey: 'remote:x' })
    // Wait until the client has seen the 429 (its retry is counted after the key is paused).
    for (let i = 0; i < 200; i++) {
      if ((await metrics.render()).body.includes('cxb_http_retries_total{key="remote:x"')) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const second = await http.request({ method: 'GET', url: `${base}/b`, rateKey: 'remote:x' })
    expect(Number(second.text()) - throttledAt).toBeGreaterThanOrEqual(280)
    expect((await first).status).toBe(200)
  })

  it('opens the circuit after consecutive failures, exported as cxb_circuit_state 2', async () => {
    const { http, metrics, breaker } = wire()
    const base = await serve((res) => void res.writeHead(500).end())
    const call = () =>
      http.request({ method: 'GET', url: base, rateKey: 'remote:y', maxRetries: 0 })
    await expect(call()).rejects.toMatchObject({ status: 500 })
    await expect(call()).rejects.toMatchObject({ status: 500 })
    expect(breaker.state('remote:y')).toBe('open')
    const fast = await call().catch((e: unknown) => e)
    expect(fast).toBeInstanceOf(RemoteUnavailableError)
    expect((fast as Error).message).toMatch(/circuit open/)
    const { body } = await metrics.render()
    expect(body).toContain('cxb_circuit_state{key="remote:y"} 2')
    expect(body).toContain('cxb_http_requests_total{key="remote:y",status="500"} 2')
  })

  it('logs through the redacting logger without credentials', async () => {
    const { http, lines } = wire()
    const base = await serve((res, n) => void res.writeHead(n === 0 ? 503 : 200).end())
    const auth = { header: async () => 'Bearer TOP-SECRET', refresh: async () => {} }
    await http.request({ method: 'GET', url: `${base}/p?sig=SIGNED`, auth, rateKey: 'remote:z' })
    const text = lines.join('')
    expect(text).toContain('http retry')
    expect(text).not.toContain('TOP-SECRET')
    expect(text).not.toContain('SIGNED')
  })

  it('serves the Key Vault adapter (same shape as the HttpClient)', async () => {
    const { http } = wire()
    const base = await serve((res, _n, path, auth) => {
      if (auth !== 'Bearer kv-token') return void res.writeHead(401).end()
      if (path !== '/secrets/app-secret?api-version=7.4') {
        return void res.writeHead(404).end('{"error":{"code":"SecretNotFound"}}')
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":"s3"}')
    })
    const vault = createKeyVaultClient({
      vaultUrl: base,
      tokenProvider: async () => 'kv-token',
      http,
    })
    expect(await vault.getSecret('app-secret')).toBe('s3')
    expect(await vault.getSecret('other')).toBeUndefined()
  })
})
