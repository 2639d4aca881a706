import { afterAll, describe, expect, it } from 'vitest'

import { seededRandom } from '../../emulators/graph/notifications/delivery-faults.ts'
import { DEMO } from '../../src/app/sandbox-seed.ts'
import { eventually } from '../support/sandbox.ts'
import { type CrashWorld, startCrashWorld } from './crash-world.ts'
import { deliveryReport, type Kill } from './delivery-report.ts'

/*
 * Knobs for a failing run: E2E_SEED=<seed from the failure> replays the kill moments,
 * E2E_KEEP=1 keeps the bridge's data directory (store and queue.db), E2E_LOG_LEVEL=info|debug
 * sets the child's log level (its last lines are in the failure message).
 */
const CUSTOMERS = 10
const CUSTOMER_MESSAGES = 300
const AGENT_REPLIES = 100
/** The stream lasts about CUSTOMER_MESSAGES × this; kills fall at random moments inside it. */
const CUSTOMER_SPACING_MS = 100
const AGENT_SPACING_MS = (CUSTOMER_MESSAGES * CUSTOMER_SPACING_MS) / AGENT_REPLIES
const KILLS = 2
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

describe('bridge SIGKILLed mid-stream and restarted on the same data', () => {
  let world: CrashWorld | undefined
  afterAll(async () => world?.close())

  it('delivers every message both ways once and in order (a send cut mid-flight aside)', async () => {
    const seed = Number(process.env.E2E_SEED ?? Date.now() % 1_000_000)
    const random = seededRandom(seed)
    const w = await startCrashWorld({
      customers: CUSTOMERS,
      // Genesys retries every 5 s, 5 times; shorter and more often so the test stays short and a
      // restart under load does not outlast the retries.
      emulators: { genesysWebhook: { retryDelayMs: 300, maxRetries: 60 } },
    })
    world = w
    const context = () => `seed ${seed}; data ${w.dataDir}; bridge output:\n${w.bridge.tail()}`

    w.bridge.start()
    await w.bridge.waitReady()
    await w.signInServiceAccount()
    await eventually(
      'a Graph subscription per chat',
      () => w.graph.control.subscriptions().length === CUSTOMERS,
      20_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${context()}`)
    })

    const sentByChat = new Map(w.customers.map((c) => [c.chatId, [] as string[]]))
    const repliesByChat = new Map(w.customers.map((c) => [c.chatId, [] as string[]]))
    const agentMessageIds: string[] = []
    const started = Date.now()
    const streamMs = CUSTOMER_MESSAGES * CUSTOMER_SPACING_MS

    const customersWrite = async () => {
      for (let n = 0; n < CUSTOMER_MESSAGES; n += 1) {
        const customer = w.customers[n % CUSTOMERS]!
        const text = `customer ${n % CUSTOMERS} message ${Math.floor(n / CUSTOMERS)}`
        w.graph.control.userSends({ chatId: customer.chatId, userId: customer.id, text })
        sentByChat.get(customer.chatId)!.push(text)
        await sleep(started + (n + 1) * CUSTOMER_SPACING_MS - Date.now())
      }
    }
    const agentsReply = async () => {
      for (let n = 0; n < AGENT_REPLIES; n += 1) {
        const customer = w.customers[n % CUSTOMERS]!
        // The agent can only answer a conversation that reached Genesys.
        await eventually(
          `a Genesys conversation for customer ${n % CUSTOMERS}`,
          () => w.genesys.control.received().some((r) => r.from.id === customer.genesysId),
          30_000,
        )
        const text = `agent to ${n % CUSTOMERS} reply ${Math.floor(n / CUSTOMERS)}`
        const { messageId } = await w.genesys.control.agentSends({
          integrationId: DEMO.genesys.integrationId,
          toId: customer.genesysId,
          text,
        })
        repliesByChat.get(customer.chatId)!.push(text)
        agentMessageIds.push(messageId)
        await sleep(started + (n + 1) * AGENT_SPACING_MS - Date.now())
      }
    }
    const kills: Array<Kill & { readyAfterMs: number }> = []
    const killer = async () => {
      // One kill at a random moment in each of KILLS equal slices of the middle 80 % of the stream.
      const slice = (streamMs * 0.8) / KILLS
      for (let k = 0; k < KILLS; k += 1) {
        await sleep(started + streamMs * 0.1 + slice * (k + random()) - Date.now())
        const atMs = Date.now()
        await w.bridge.kill()
        const exitedAtMs = Date.now()
        w.bridge.start()
        kills.push({ atMs, exitedAtMs, readyAfterMs: await w.bridge.waitReady() })
      }
    }
    await Promise.all([customersWrite(), agentsReply(), killer()])
    // Notifications that failed while the bridge was down make Graph flag the endpoint slow
    // (>= 10 % of 100 failed or slow) and delay, or at >= 15 % drop, what follows for 10 minutes.
    // Only a catch-up brings dropped ones back; it runs at start, so restart once more, gracefully.
    await w.bridge.stop()
    w.bridge.start()
    await w.bridge.waitReady()

    const report = () => deliveryReport(w, sentByChat, repliesByChat)
    const unconfirmed = () => {
      const delivered = new Set(
        w.genesys.control
          .receipts()
          .filter((r) => r.status === 'Delivered')
          .map((r) => r.id),
      )
      return agentMessageIds.filter((id) => !delivered.has(id))
    }
    await eventually(
      'every customer message in Genesys, every reply in Teams and its Delivered receipt',
      () => report().missing.length === 0 && unconfirmed().length === 0,
      30_000,
    ).catch((error: unknown) => {
      const receipts = `replies without a Delivered receipt ${JSON.stringify(unconfirmed())}`
      throw new Error(`${String(error)}\n${report().summary}\n${receipts}\n${context()}`)
    })
    // Let late webhook retries and re-sends land before counting doubles.
    await Promise.all([w.genesys.control.idle(), w.graph.control.idle()])
    await sleep(1000)

    const final = report()
    const details = `${final.summary}\nkills ${JSON.stringify(kills)}\n${context()}`
    console.info(`kill-restart: ${Date.now() - started} ms, ${details}`)
    expect(final.missing, details).toEqual([])
    expect(unconfirmed(), details).toEqual([])
    expect(final.outOfOrder, details).toEqual([])
    // Exactly once, a send the kill cut between the remote's answer and the bridge's commit
    // included: its resend looks at the remote first (Graph: the chat's recent messages;
    // Genesys: the conversation's messages by providerMessageId; docs/architecture.md).
    expect(final.doubles, details).toEqual([])
  }, 120_000)
})
