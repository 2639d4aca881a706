import { cpus } from 'node:os'

import type { FirstTokenResult } from '../scenarios/ai-bot-first-token.ts'
import type { FleetResult } from '../scenarios/fleet.ts'
import type { GoodputResult } from '../scenarios/goodput.ts'
import type { IngestResult } from '../scenarios/ingest.ts'
import type { MemoryResult } from '../scenarios/memory.ts'
import type { TeamsToGenesysResult } from '../scenarios/teams-to-genesys.ts'
import type { MachineInfo } from './machine.ts'
import { fixed, latencyLine } from './stats.ts'

export interface BenchResults {
  machine?: MachineInfo
  ingest?: IngestResult
  latency?: { light: TeamsToGenesysResult; burst: TeamsToGenesysResult }
  goodput?: GoodputResult
  memory?: MemoryResult
  aiBot?: FirstTokenResult
  fleet?: FleetResult
  loadAverageAfter?: number
  totalSeconds?: number
}

const int = (n: number) => Math.round(n).toLocaleString('en-US')

/** Figures and ratios as text; targets are shown for reading, never asserted. */
export function formatReport(r: BenchResults): string {
  const lines: string[] = []
  const m = r.machine
  if (m) {
    lines.push(
      `machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}`,
      `  load average at start ${fixed(m.loadAverage, 2)}, FULL-sync SQLite commit in the data dir ${fixed(m.fsyncCommitMs, 2)} ms (median)`,
      `  work unit (SQLite insert + read, JSON round trip) ${fixed(m.workUnitUs.warm, 1)} µs back to back, ${fixed(m.workUnitUs.afterIdle, 1)} µs after 20 ms idle (medians)`,
    )
  }
  const i = r.ingest
  if (i) {
    lines.push(
      '1. webhook ingest (basic Graph notifications, closed loop, same connections)',
      `  bare node:http    ${int(i.bare.closed.okPerSecond)} /s   ${latencyLine(i.bare.closed.latencyMs)}`,
      `  durable floor     ${int(i.durableFloor.closed.okPerSecond)} /s   ${latencyLine(i.durableFloor.closed.latencyMs)}`,
      `  bridge (serve)    ${int(i.bridge.closed.okPerSecond)} /s   ${latencyLine(i.bridge.closed.latencyMs)}`,
      `  CPU per 2xx       bridge ${fixed(i.bridgeCpuMicrosPerAck, 0)} µs, durable floor ${fixed(i.durableFloor.cpuMicrosPerAck, 0)} µs, bare ${fixed(i.bareCpuMicrosPerAck, 0)} µs (user + system, closed loop)`,
      `  ratio bridge/bare ${fixed(i.ratio, 2)}   (target ≥ 0.40); durable floor/bare ${fixed(i.durableFloor.closed.okPerSecond / i.bare.closed.okPerSecond, 2)}, bridge/durable floor ${fixed(i.bridge.closed.okPerSecond / i.durableFloor.closed.okPerSecond, 2)}`,
      `  at ${int(i.bridge.open.offeredRate ?? 0)}/s offered: bridge ${latencyLine(i.bridge.open.latencyMs)}, not sent ${int(i.bridge.open.skipped)}   (target p99 < 10 ms)`,
      `                       durable floor ${latencyLine(i.durableFloor.open.latencyMs)}`,
      `                       bare   ${latencyLine(i.bare.open.latencyMs)}`,
      `  durable: ${int(i.acknowledged)} acknowledged, ${int(i.storedJobs)} jobs in the queue file; bridge RSS ${fixed(i.bridgeRssMiB, 0)} MiB`,
    )
  }
  const l = r.latency
  if (l) {
    for (const [name, t] of [
      ['light', l.light],
      ['burst', l.burst],
    ] as const) {
      const a = t.arrivals
      lines.push(
        `2. Teams → Genesys ${name}: ${int(t.offeredRate)}/s offered for ${t.durationS} s (${int(a.sent)} messages, ${t.customers} chats)`,
        `  added latency ${latencyLine(a.latencyMs)}   (target p99 < 25 ms)`,
        `  arrived once ${int(a.arrivedOnce)}/${int(a.sent)}, missing ${a.missing}, duplicates ${a.duplicates}, senders out of order ${a.sendersOutOfOrder} (Graph itself delivered ${t.sendersReorderedByGraph} senders' notifications out of order)`,
        `  end to end ${fixed(t.endToEndRate, 1)} msg/s, bridge CPU ${fixed(t.bridgeCpuCores, 2)} cores, harness (emulators) CPU ${fixed(t.harnessCpuCores, 2)} cores`,
        cpuBudgetLine(t, r.machine?.cores ?? cpus().length),
      )
    }
  }
  const g = r.goodput
  if (g) {
    lines.push(
      `3. goodput under the Genesys limit (${int(g.perMinute)}/min per token, ${int(g.offeredPerMinute)}/min offered)`,
      `  first window ${int(g.acceptedFirstWindow)} accepted, next window after ${fixed(g.spanMs / 1000, 2)} s → goodput ${fixed(g.goodput, 3)}   (target ≥ 0.95)`,
      `  arrived once ${int(g.arrivedOnce)}/${int(g.sent)}, missing ${g.missing}, duplicates ${g.duplicates}, senders out of order ${g.sendersOutOfOrder}, Genesys 429s ${g.throttledCalls}`,
    )
  }
  const mem = r.memory
  if (mem) {
    lines.push(
      `4. memory with ${int(mem.conversations)} conversations (bot path, ${int(mem.storedConversations)} stored, ${int(mem.arrivedOnce)} arrived once)`,
      `  bridge RSS before ${fixed(mem.rssBeforeMiB, 0)} MiB, after ${fixed(mem.rssAfterMiB, 0)} MiB, settled ${fixed(mem.rssSettledMiB, 0)} MiB = ${fixed(Math.max(mem.rssAfterMiB, mem.rssSettledMiB) * 1.048576, 0)} MB at most   (target < 200 MB)`,
      `  V8 heap used ${fixed(mem.heapUsedMiB ?? NaN, 0)} MiB of ${fixed(mem.heapTotalMiB ?? NaN, 0)} MiB committed, external ${fixed(mem.externalMiB ?? NaN, 0)} MiB; ${fixed(mem.throughput, 1)} conversations/s`,
    )
  }
  if (r.aiBot) {
    lines.push(
      `5. AI bot: time to the first streamed token in Teams (1:1, ${r.aiBot.users} users in parallel, each on its own schedule)`,
    )
    for (const run of r.aiBot.runs) {
      lines.push(
        `  model's first token after ${int(run.modelFirstTokenMs)} ms:`,
        `    model directly    ${latencyLine(run.direct)}`,
        `    through bridge    ${latencyLine(run.bridge)}`,
        `    added by bridge   p50 ${fixed(run.addedP50Ms, 1)} ms, p99 ${fixed(run.addedP99Ms, 1)} ms   (target p99 < 20 ms)`,
      )
    }
  }
  const f = r.fleet
  if (f) {
    lines.push(
      `6. scaled deployment: Teams → Genesys, ${int(f.offeredRate)}/s offered for ${f.durationS} s, end to end`,
    )
    for (const [name, t] of [
      ['embedded (start, SQLite)     ', f.embedded],
      ['serve + 1 work (PG, Redis)   ', f.oneWorker],
      ['serve + 2 work (PG, Redis)   ', f.twoWorkers],
    ] as const) {
      const a = t.arrivals
      lines.push(
        `  ${name} ${fixed(t.endToEndRate, 1)} msg/s, latency p50 ${fixed(a.latencyMs.p50, 0)} ms, p99 ${fixed(a.latencyMs.p99, 0)} ms; CPU ${fixed(t.bridgeCpuCores, 2)} cores; arrived once ${int(a.arrivedOnce)}/${int(a.sent)}, out of order ${a.sendersOutOfOrder}`,
      )
    }
  }
  if (r.totalSeconds !== undefined) {
    lines.push(
      `total ${fixed(r.totalSeconds, 0)} s; load average at end ${fixed(r.loadAverageAfter ?? NaN, 2)}`,
    )
  }
  return lines.join('\n')
}

/**
 * CPU per message of both processes, and what the offered rate would need at that cost: on a
 * two-core machine the emulators and the bridge share the cores, so a rate whose CPU exceeds
 * them cannot be sustained whatever the latency budget.
 */
function cpuBudgetLine(
  t: { bridgeCpuCores: number; harnessCpuCores: number; endToEndRate: number; offeredRate: number },
  cores: number,
): string {
  const bridgeMs = (1000 * t.bridgeCpuCores) / t.endToEndRate
  const harnessMs = (1000 * t.harnessCpuCores) / t.endToEndRate
  const needed = ((bridgeMs + harnessMs) * t.offeredRate) / 1000
  return `  CPU per message: bridge ${fixed(bridgeMs, 2)} ms, harness ${fixed(harnessMs, 2)} ms; at ${int(t.offeredRate)}/s that is ${fixed(needed, 2)} cores of the machine's ${cores}`
}
