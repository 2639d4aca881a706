import { DEMO } from '../../src/app/sandbox-seed.ts'
import type { Customer } from '../e2e/crash-world.ts'
import { type Arrival, compare, type Double } from '../e2e/delivery-report.ts'
import type { FaultWorld } from './fault-world.ts'

/** A message the suite made one side send, with when it was sent. */
export interface Sent {
  readonly text: string
  readonly chatId: string
  readonly sentAtMs: number
}

/** A moment when a crash may have cut a send between the remote's answer and its record. */
export interface Interruption {
  readonly what: string
  readonly atMs: number
  readonly endedAtMs: number
}

export interface FaultReport {
  readonly sent: number
  readonly delivered: number
  readonly missing: string[]
  readonly outOfOrder: string[]
  /** Copies not explained by a crash cutting a send after the remote took it. */
  readonly doubles: Double[]
  /** Copies of a send cut by a crash after the remote took it (same message id, resent). */
  readonly resentAfterCrash: Double[]
  readonly latenciesMs: number[]
  readonly firstSentMs: number
  readonly lastArrivalMs: number
}

/**
 * A send cut by a crash after it left the bridge but before the bridge recorded the answer is
 * sent again (Open Messaging does not deduplicate); its first copy lands around the crash.
 */
const AMBIGUOUS_BEFORE_MS = 3000
const AMBIGUOUS_AFTER_MS = 2000

const plain = (html: string) => html.replace(/<[^>]*>/g, '').trim()

interface GenesysRecord {
  readonly from: { readonly id: string }
  readonly text?: string
  readonly receivedAt: string
  readonly duplicate?: boolean
}

interface GraphMessage {
  readonly from: { readonly user?: { readonly id: string } | null }
  readonly body: { readonly content: string }
  readonly createdDateTime: string
}

/** Reads both emulators' records and compares them with what was sent, per conversation. */
export async function faultReport(
  world: FaultWorld,
  customers: readonly Customer[],
  sentToGenesys: readonly Sent[],
  sentToTeams: readonly Sent[],
  interruptions: readonly Interruption[],
): Promise<FaultReport> {
  const received = (await world.genesys('/received')) as GenesysRecord[]
  const byCustomer = new Map<string, Arrival[]>()
  for (const r of received) {
    const list = byCustomer.get(r.from.id) ?? []
    list.push({ text: r.text ?? '', atMs: Date.parse(r.receivedAt), repeatedId: r.duplicate })
    byCustomer.set(r.from.id, list)
  }
  const missing: string[] = []
  const outOfOrder: string[] = []
  const doubles: Double[] = []
  const latenciesMs: number[] = []
  let lastArrivalMs = 0
  for (const customer of customers) {
    const posted = (await world.graph(
      `/chats/${encodeURIComponent(customer.chatId)}/messages`,
    )) as GraphMessage[]
    const inTeams = posted
      .filter((m) => m.from.user?.id === DEMO.serviceAccount.id)
      .map((m) => ({ text: plain(m.body.content), atMs: Date.parse(m.createdDateTime) }))
    const sides = [
      ['genesys', sentToGenesys, byCustomer.get(customer.genesysId) ?? []],
      ['teams', sentToTeams, inTeams],
    ] as const
    for (const [side, sent, arrivals] of sides) {
      const expected = sent.filter((s) => s.chatId === customer.chatId)
      const result = compare(
        side,
        expected.map((e) => e.text),
        arrivals,
      )
      missing.push(...result.missing.map((t) => `${side}: ${t}`))
      doubles.push(...result.doubles)
      if (!result.inOrder) outOfOrder.push(`${side} ${customer.chatId}: ${result.firstArrivals}`)
      for (const s of expected) {
        const at = result.first.get(s.text)?.atMs
        if (at === undefined) continue
        latenciesMs.push(at - s.sentAtMs)
        lastArrivalMs = Math.max(lastArrivalMs, at)
      }
    }
  }
  const explained = (d: Double) =>
    d.repeatedId !== false &&
    interruptions.some(
      (i) =>
        d.firstAtMs >= i.atMs - AMBIGUOUS_BEFORE_MS &&
        d.firstAtMs <= i.endedAtMs + AMBIGUOUS_AFTER_MS &&
        d.againAtMs > i.atMs,
    )
  const sent = sentToGenesys.length + sentToTeams.length
  return {
    sent,
    delivered: sent - missing.length,
    missing,
    outOfOrder,
    doubles: doubles.filter((d) => !explained(d)),
    resentAfterCrash: doubles.filter(explained),
    latenciesMs,
    firstSentMs: Math.min(...[...sentToGenesys, ...sentToTeams].map((s) => s.sentAtMs)),
    lastArrivalMs,
  }
}

/** The `q` quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}
