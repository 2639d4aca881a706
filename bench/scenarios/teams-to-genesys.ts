import {
  type ArrivalReport,
  checkArrivals,
  type SentMessage,
  waitForArrivals,
} from '../lib/arrivals.ts'
import type { BridgeWorld } from '../lib/bridge-world.ts'
import { sendersReorderedByGraph } from '../lib/graph-order.ts'
import { atFixedRate } from '../lib/pace.ts'

export interface TeamsToGenesysResult {
  readonly offeredRate: number
  readonly achievedRate: number
  readonly durationS: number
  readonly customers: number
  readonly allArrived: boolean
  readonly arrivals: ArrivalReport
  /** Senders whose notifications Graph itself delivered out of the order they were written. */
  readonly sendersReorderedByGraph: number
  /** Messages per second from the first Teams message to the last arrival in Genesys. */
  readonly endToEndRate: number
  /** CPU the bridge process used from the first message to the last arrival, in cores. */
  readonly bridgeCpuCores: number
  /** CPU this process (emulators, senders, arrival checks) used over the same span, in cores. */
  readonly harnessCpuCores: number
}

/**
 * Added latency Teams → Genesys: customers write at a fixed total rate, round robin over their
 * chats; Graph (emulated, rich notifications: no fetch) notifies the bridge, which delivers to
 * the Genesys emulator (its rate limit off). Latency = Genesys receivedAt − the Teams message's
 * createdDateTime, both taken from this process's clock.
 */
export async function runTeamsToGenesys(
  world: BridgeWorld,
  options: { rate: number; durationS: number; tag: string; drainTimeoutMs: number },
): Promise<TeamsToGenesysResult> {
  const { emulators, customers, bridge } = world
  emulators.genesys.control.setRateLimit({ enabled: false })
  const count = Math.max(1, Math.round(options.rate * options.durationS))
  const sent: SentMessage[] = []
  const deliveriesBefore = emulators.graph.control.deliveries().length
  const cpuBefore = bridge.cpuSeconds()
  const harnessBefore = process.cpuUsage()
  const started = Date.now()
  const pace = await atFixedRate(options.rate, count, (i) => {
    sent.push(world.customerSays(customers[i % customers.length]!, `${options.tag} ${i}`))
  })
  const received = () => emulators.genesys.control.received()
  const allArrived = await waitForArrivals(received, sent, options.drainTimeoutMs)
  const arrivals = checkArrivals(sent, received())
  const spanS = ((allArrived ? arrivals.lastArrivalMs : Date.now()) - started) / 1000
  return {
    offeredRate: options.rate,
    achievedRate: pace.achievedRate,
    durationS: options.durationS,
    customers: customers.length,
    allArrived,
    arrivals,
    sendersReorderedByGraph: sendersReorderedByGraph(
      emulators.graph.control.deliveries().slice(deliveriesBefore),
      sent,
    ),
    endToEndRate: (arrivals.sent - arrivals.missing) / spanS,
    bridgeCpuCores: (bridge.cpuSeconds() - cpuBefore) / ((Date.now() - started) / 1000),
    harnessCpuCores: harnessCpuSeconds(harnessBefore) / ((Date.now() - started) / 1000),
  }
}

function harnessCpuSeconds(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1e6
}
