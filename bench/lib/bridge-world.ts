import { loadConfig } from '../../src/app/config-load.ts'
import type { DemoEmulators } from '../../src/app/sandbox.ts'
import { type SentMessage, waitForArrivals } from './arrivals.ts'
import { type BridgeProcess, startBridgeProcess } from './bridge-process.ts'
import {
  addCustomers,
  bridgeConfig,
  type Customer,
  freePort,
  seedDataDir,
  startEmulators,
} from './world.ts'

/**
 * Every `limits.*` budget of the bridge's config far above anything the bench offers, so the
 * bridge's limiter never waits (keys read from the config schema, so renames do not break it).
 */
export const NO_LIMITS: Record<string, number> = Object.fromEntries(
  Object.keys(loadConfig({ env: {} }).limits).map((key) => [key, 100_000_000]),
)

/**
 * Every emulator in this (the harness) process and the bridge in a child process started with
 * `cx-bridge start`, Teams customers each in their own subscribed 1:1 chat.
 */
export interface BridgeWorld {
  readonly emulators: DemoEmulators
  readonly customers: readonly Customer[]
  readonly bridge: BridgeProcess
  /** Stops the bridge process and starts a new one on the same data dir with other limits. */
  restart(name: string, limits: object): Promise<void>
  /** A customer writes in their Teams chat (the Graph emulator notifies the bridge). */
  customerSays(customer: Customer, text: string): SentMessage
  close(): Promise<void>
}

export async function openBridgeWorld(options: {
  dataDir: string
  customers: number
  limits: object
  richNotifications: boolean
}): Promise<BridgeWorld> {
  const port = await freePort()
  const emulators = await startEmulators(port)
  const customers = addCustomers(emulators, options.customers, 'world')
  const configFor = (limits: object) =>
    bridgeConfig(port, { trustedHosts: emulators.trustedHosts, limits })
  await seedDataDir(options.dataDir, configFor(options.limits), emulators, {
    richNotifications: options.richNotifications,
    chatIds: customers.map((c) => c.chatId),
  })
  const start = (name: string, limits: object) =>
    startBridgeProcess({
      command: 'start',
      dataDir: options.dataDir,
      config: configFor(limits),
      name,
    })
  let bridge = await start('bridge', options.limits)
  await waitForSubscriptions(emulators, customers.length)

  const world: BridgeWorld = {
    emulators,
    customers,
    get bridge() {
      return bridge
    },
    async restart(name, limits) {
      await bridge.stop()
      bridge = await start(name, limits)
    },
    customerSays: (customer, text) => customerSays(emulators, customer, text),
    async close() {
      await bridge.stop()
      await emulators.close()
    },
  }
  return world
}

/** One message per customer, so tokens, conversations and the JIT are warm before measuring. */
export async function warmUp(world: BridgeWorld, tag: string): Promise<void> {
  const sent = world.customers.map((c, i) => world.customerSays(c, `warm-up ${tag} ${i}`))
  const ok = await waitForArrivals(() => world.emulators.genesys.control.received(), sent, 60_000)
  if (!ok) throw new Error(`warm-up ${tag}: not every message reached Genesys within 60 s`)
}

/** A customer writes in their Teams chat; the Graph emulator notifies the bridge. */
export function customerSays(
  emulators: DemoEmulators,
  customer: Customer,
  text: string,
): SentMessage {
  const message = emulators.graph.control.userSends({
    chatId: customer.chatId,
    userId: customer.id,
    text,
  })
  return {
    text,
    sender: customer.id,
    createdMs: Date.parse(message.createdDateTime),
    remoteId: message.id,
  }
}

export async function waitForSubscriptions(emulators: DemoEmulators, count: number): Promise<void> {
  const deadline = Date.now() + 60_000
  while (emulators.graph.control.subscriptions().length < count) {
    if (Date.now() > deadline) throw new Error(`the bridge did not subscribe to ${count} chats`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
