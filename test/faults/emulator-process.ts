/**
 * The demo emulators in a process of their own for the fault suite: `node emulator-process.ts
 * '<json options>'`. Adds the customers (each a Teams user in a 1:1 chat with the service
 * account), seeds the bridge's PostgreSQL store with the demo integrations watching every chat,
 * prints one JSON line (URLs, customers, trusted hosts) and serves the emulators' HTTP control
 * APIs until SIGTERM. The suite drives and reads them only over HTTP.
 */
import { startDemoEmulators } from '../../src/app/sandbox.ts'
import { addChatCustomers, type Customer, seedStore } from '../e2e/crash-world.ts'

export interface EmulatorProcessOptions {
  /** Where the emulators send webhooks: the load balancer in front of the web processes. */
  readonly bridgeUrl: string
  readonly storeUrl: string
  readonly masterKey: string
  readonly customers: number
  readonly seed: number
}

export interface EmulatorProcessInfo {
  readonly identity: string
  /** Graph origin (control at /_emulator) and API base. */
  readonly graphOrigin: string
  readonly graphUrl: string
  readonly genesys: string
  readonly trustedHosts: string[]
  readonly customers: Customer[]
}

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorProcessOptions
const emulators = await startDemoEmulators(
  options.bridgeUrl,
  {},
  {
    // Genesys's own schedule (the emulator's defaults: 10 s timeout, 5 retries 5 s apart,
    // https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html), so the
    // suite sees the delays a deployment sees; the load balancer, not fast retries, covers a
    // web process killed mid-request.
    genesysWebhook: { retryDelayMs: 5_000, maxRetries: 5, timeoutMs: 10_000, reorderHoldMs: 1_000 },
    graphDelivery: { retryBaseMs: 500, retryMaxDelayMs: 5_000 },
    seed: options.seed,
  },
)
const customers = addChatCustomers(emulators, options.customers)
await seedStore(options.storeUrl, options.masterKey, emulators, options.bridgeUrl, customers)

const info: EmulatorProcessInfo = {
  identity: emulators.identity.url,
  graphOrigin: emulators.graph.origin,
  graphUrl: emulators.graph.url,
  genesys: emulators.genesys.url,
  trustedHosts: emulators.trustedHosts,
  customers,
}
process.stdout.write(`${JSON.stringify(info)}\n`)
process.once('SIGTERM', () => {
  void emulators.close().then(() => process.exit(0))
})
