import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

import { all, buildCatalogue } from './catalogue.ts'
import { requestsFor } from './endpoint.ts'
import { startFuzzBridge } from './fuzz-bridge.ts'
import { checkAnswer, fuzzEndpoint } from './fuzz-endpoint.ts'
import { fuzzParameters, SOCKET_RUNS } from './fuzz-settings.ts'
import { rawMutation, serialize } from './raw-http.ts'
import { registeredRoutes } from './route-table.ts'
import { parseResponses, rawExchange } from './socket-transport.ts'

const bridge = await startFuzzBridge()
afterAll(() => bridge.close())
const catalogue = await buildCatalogue(bridge)
const endpoints = all(catalogue)
const { hostname, port } = new URL(bridge.s.bridge.url)

describe('every route of the bridge is in the fuzz catalogue', () => {
  it('has an endpoint for every Fastify route', () => {
    const covered = new Set(endpoints.flatMap((e) => e.routes))
    const missing = registeredRoutes(bridge.s.bridge.http!).filter((r) => !covered.has(r))
    expect(missing, 'add them to test/fuzz/catalogue.ts').toEqual([])
  })

  it('has an endpoint for every connector webhook', () => {
    const covered = new Set(endpoints.map((e) => e.webhook && `${e.webhook.kind}${e.webhook.path}`))
    const webhooks = bridge.s.bridge.webhooks.map((w) => `${w.kind}${w.path}`)
    expect(webhooks.length).toBeGreaterThan(0)
    expect(
      webhooks.filter((w) => !covered.has(w)),
      'add them to test/fuzz/catalogue.ts',
    ).toEqual([])
  })
})

describe('bad input over a real socket', () => {
  it.each(endpoints.map((e) => [e.name, e] as const))(
    `%s: ${SOCKET_RUNS} generated requests through Node's HTTP client`,
    async (_, endpoint) => {
      await fuzzEndpoint(bridge, endpoint, catalogue.hints, {
        runs: SOCKET_RUNS,
        transport: 'socket',
      })
    },
    120_000,
  )

  it(`${SOCKET_RUNS * 4} requests with broken framing get a problem or a closed connection`, async () => {
    // Built from requests that are not genuine: a broken exchange must store nothing at all. A
    // raw target may reach another route (absolute form, dot segments), so any route may answer.
    const cases = fc
      .nat(endpoints.length - 1)
      .chain((i) =>
        requestsFor(endpoints[i]!, catalogue.hints).map((g) => ({ i, request: g.request })),
      )
      .filter(({ i, request }) => request.method !== 'HEAD' && !endpoints[i]!.genuine?.(request))
      .chain(({ i, request }) =>
        rawMutation(serialize(request, `${hostname}:${port}`)).map((raw) => ({
          endpoint: endpoints[i]!.name,
          how: raw.how,
          bytes: raw.bytes,
        })),
      )
    await fc.assert(
      fc.asyncProperty(cases, async ({ endpoint, how, bytes }) => {
        const mark = bridge.probe.mark()
        const answer = await rawExchange(hostname, Number(port), bytes, 10_000)
        if (answer === undefined) throw new Error(`no answer and no close (${how})`)
        const sent = { method: 'RAW', url: bytes.subarray(0, 300).toString('latin1'), headers: {} }
        for (const response of parseResponses(answer)) {
          checkAnswer({
            endpoint: { name: endpoint, routes: [], method: 'RAW', path: [], anonymous: true },
            request: sent,
            response,
            written: bridge.probe.writtenSince(mark),
            isGenuine: false,
            secrets: bridge.secrets,
            mutation: how,
          })
        }
      }),
      fuzzParameters(SOCKET_RUNS * 4),
    )
    expect((await bridge.inject({ method: 'GET', url: '/healthz', headers: {} })).status).toBe(200)
  }, 300_000)
})
