import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { RemoteUnavailableError } from '../../core/errors.ts'
import { createExtraCaAgent, createHttpClient } from './http-client.ts'
import { safeDownload } from './safe-download.ts'
import {
  capturingLogger,
  realClock,
  recordingLimiter,
  recordingMetrics,
} from './testing/fake-ports.ts'

// The emulators' test-only certificate (127.0.0.1, localhost), read as data.
const tlsDir = new URL('../../../emulators/kit/tls/', import.meta.url)
const cert = readFileSync(new URL('cert.pem', tlsDir))
const key = readFileSync(new URL('key.pem', tlsDir))

const server = createServer({ cert, key }, (_req, res) => res.end('secure'))
let url = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

const client = (dispatcher?: ReturnType<typeof createExtraCaAgent>) =>
  createHttpClient({
    limiter: recordingLimiter(),
    clock: realClock,
    metrics: recordingMetrics(),
    log: capturingLogger(),
    ...(dispatcher ? { dispatcher } : {}),
  })

describe('createExtraCaAgent', () => {
  it('trusts the extra CA', async () => {
    const agent = createExtraCaAgent(cert)
    const res = await client(agent).request({ method: 'GET', url })
    expect(res.text()).toBe('secure')
    await agent.close()
  })

  it('is needed: without it the certificate is refused before anything is sent', async () => {
    const error = await client()
      .request({ method: 'POST', url, json: {}, maxRetries: 0 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoteUnavailableError)
  })
})

describe('safeDownload over TLS to a trusted emulator', () => {
  it('pins the address and trusts the extra CA only when given', async () => {
    const port = new URL(url).port
    const options = { allowedHosts: [], trustedPrivateHosts: [`localhost:${port}`], maxBytes: 100 }
    const resolve = async () => [{ address: '127.0.0.1', family: 4 as const }]
    const target = `https://localhost:${port}/file.txt`
    const got = await safeDownload({ resolve, extraCaPem: cert }, target, options)
    expect(new TextDecoder().decode(got.data)).toBe('secure')
    expect(got.fileName).toBe('file.txt')
    await expect(safeDownload({ resolve }, target, options)).rejects.toBeInstanceOf(
      RemoteUnavailableError,
    )
  })
})
