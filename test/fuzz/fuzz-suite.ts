import { afterAll, describe, it } from 'vitest'

import { buildCatalogue, type Catalogue } from './catalogue.ts'
import type { Endpoint } from './endpoint.ts'
import { startFuzzBridge } from './fuzz-bridge.ts'
import { fuzzEndpoint } from './fuzz-endpoint.ts'
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS } from './fuzz-settings.ts'

/**
 * One bridge per test file (files run in parallel workers), one test per endpoint. Started at
 * collection time: the endpoints' seeds need the running sandbox.
 */
export async function fuzzSuite(
  title: string,
  pick: (catalogue: Catalogue) => readonly Endpoint[],
): Promise<void> {
  const bridge = await startFuzzBridge()
  afterAll(() => bridge.close())
  const catalogue = await buildCatalogue(bridge)
  describe(title, () => {
    it.each(pick(catalogue).map((endpoint) => [endpoint.name, endpoint] as const))(
      `%s: ${FUZZ_RUNS} generated requests`,
      async (_, endpoint) => {
        const started = performance.now()
        const cpu = process.cpuUsage()
        const tally = await fuzzEndpoint(bridge, endpoint, catalogue.hints, {
          runs: FUZZ_RUNS,
          transport: 'inject',
        })
        if (process.env['CXB_FUZZ_REPORT'])
          console.log(
            `${endpoint.name}: ${tally.requests} requests (${tally.genuine} genuine) ${JSON.stringify(tally.byStatus)} in ${Math.round(performance.now() - started)} ms (${tally.answerMs} ms answering, ${Math.round(cpuMs(process.cpuUsage(cpu)))} ms CPU)`,
          )
      },
      FUZZ_TIMEOUT_MS,
    )
  })
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000
