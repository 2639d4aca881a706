/**
 * `npm run bench`: throughput, latency, goodput and memory figures for cx-bridge, printed as
 * numbers and ratios (never pass/fail). The bridge runs as its own process (`cx-bridge serve`
 * or `start`), the emulators in this process, HTTP load in a third. See docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

import { NO_LIMITS, openBridgeWorld, warmUp } from './lib/bridge-world.ts'
import { describeMachine } from './lib/machine.ts'
import { type BenchResults, formatReport } from './lib/report.ts'
import { runAiBotFirstToken } from './scenarios/ai-bot-first-token.ts'
import { runFleet } from './scenarios/fleet.ts'
import { runGoodput } from './scenarios/goodput.ts'
import { runIngest } from './scenarios/ingest.ts'
import { runMemory } from './scenarios/memory.ts'
import { runTeamsToGenesys } from './scenarios/teams-to-genesys.ts'

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'ingest,latency,goodput,memory,aibot,fleet' },
    'data-dir': { type: 'string', default: tmpdir() },
    'burst-seconds': { type: 'string', default: '10' },
    conversations: { type: 'string', default: '10000' },
    'goodput-per-minute': { type: 'string', default: '600' },
    'fleet-rate': { type: 'string', default: '300' },
    'fleet-seconds': { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
})
const only = new Set(values.only.split(','))
const base = mkdtempSync(join(resolve(values['data-dir']), 'cxb-bench-'))
const dir = (name: string) => {
  const path = join(base, name)
  mkdirSync(path, { recursive: true })
  return path
}
const log = (text: string) => process.stdout.write(`${text}\n`)

const started = performance.now()
const results: BenchResults = { machine: describeMachine(base) }
log(formatReport({ machine: results.machine! }))

if (only.has('ingest')) {
  log('running 1. webhook ingest …')
  results.ingest = await runIngest({
    dataDir: dir('ingest'),
    connections: 50,
    warmupMs: 1_500,
    durationMs: 6_000,
    rate: 5_000,
  })
}

if (only.has('latency') || only.has('goodput') || only.has('memory')) {
  const dataDir = dir('world')
  log('starting the emulators and the bridge (cx-bridge start) …')
  const world = await openBridgeWorld({
    dataDir,
    customers: 50,
    limits: NO_LIMITS,
    richNotifications: true,
  })
  try {
    await warmUp(world, 'first')
    if (only.has('latency')) {
      log('running 2. Teams → Genesys latency …')
      const light = await runTeamsToGenesys(world, {
        rate: 20,
        durationS: 10,
        tag: 'light',
        drainTimeoutMs: 60_000,
      })
      const burst = await runTeamsToGenesys(world, {
        rate: 1_000,
        durationS: Number(values['burst-seconds']),
        tag: 'burst',
        drainTimeoutMs: 300_000,
      })
      results.latency = { light, burst }
    }
    if (only.has('goodput')) {
      log('running 3. goodput under the Genesys limit (about 70 s) …')
      results.goodput = await runGoodput(world, {
        perMinute: Number(values['goodput-per-minute']),
        factor: 2,
      })
    }
    if (only.has('memory')) {
      log('running 4. memory …')
      await world.restart('memory', NO_LIMITS)
      results.memory = await runMemory(world, {
        count: Number(values.conversations),
        inFlight: 16,
        dataDir,
      })
    }
  } finally {
    await world.close()
  }
}

if (only.has('aibot')) {
  log('running 5. AI bot: time to the first streamed token …')
  results.aiBot = await runAiBotFirstToken({
    users: 8,
    turnsPerUser: 25,
    modelFirstTokenMs: [1_500, 0],
  })
}

if (only.has('fleet')) {
  log('running 6. scaled deployment (embedded vs serve + 1 and 2 workers on PostgreSQL, Redis) …')
  results.fleet = await runFleet({
    dataDir: dir('fleet'),
    customers: 50,
    rate: Number(values['fleet-rate']),
    durationS: Number(values['fleet-seconds']),
    log,
  })
}

results.totalSeconds = (performance.now() - started) / 1000
results.loadAverageAfter = loadavg()[0]!
log('')
log(formatReport(results))
const jsonFile = join(base, 'results.json')
writeFileSync(jsonFile, JSON.stringify(results, null, 2))
if (values.keep) log(`data and results kept in ${base}`)
else {
  const keptJson = join(tmpdir(), `cxb-bench-results-${Date.now()}.json`)
  writeFileSync(keptJson, JSON.stringify(results, null, 2))
  rmSync(base, { recursive: true, force: true })
  log(`results JSON: ${keptJson}`)
}
// Every scenario has closed what it started; a handle some library keeps open (a connection
// pool's idle timer, a private server's pipe) must not keep a finished run alive: the full run
// once sat idle after printing its report until killed.
process.exit(0)
