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

/** A kill or a restart during the stream, printed with the figures. */
export interface Interruption {
  readonly what: string
  readonly atMs: number
  readonly endedAtMs: number
}

/**
 * A message that went out after one sent after it in its conversation, with when its remote's
 * delivery reached the bridge (acknowledged) relative to its own time. The bridge promises order
 * only for messages that reach it less than the resequencing window after their own time.
 */
export interface Overtaken {
  readonly side: 'genesys' | 'teams'
  readonly chatId: string
  readonly text: string
  /** Acknowledgement of the remote's first successful delivery minus the message's own time. */
  readonly lateMs: number | undefined
  /** Reached the bridge within the window: the bridge's ordering guarantee is broken. */
  readonly withinWindow: boolean
  /** The remote's delivery attempts of it. */
  readonly attempts: readonly string[]
}

/** When each message's delivery reached the bridge, per side and text. */
interface Reached {
  readonly ownMs: number
  readonly reachedMs: number | undefined
  /** Every attempt: status or error, and when it started relative to the message's time. */
  readonly attempts: string[]
}

export interface FaultReport {
  readonly sent: number
  readonly delivered: number
  readonly missing: string[]
  /** Conversations whose first arrivals are not in the order sent. */
  readonly outOfOrder: string[]
  /** The messages that arrived after a later one, each with its lateness at the bridge. */
  readonly overtaken: Overtaken[]
  /** Per side: how late deliveries reached the bridge (p99, max, and the latest one's attempts). */
  readonly lateness: Record<
    'genesys' | 'teams',
    { p99: number; max: number; beyondWindow: number; latest: string }
  >
  /** Every message a side shows more than once, whatever the cause: each fails the suite. */
  readonly doubles: Double[]
  readonly latenciesMs: number[]
  readonly firstSentMs: number
  readonly lastArrivalMs: number
}

const plain = (html: string) => html.replace(/<[^>]*>/g, '').trim()

interface GenesysRecord {
  readonly from: { readonly id: string }
  readonly text?: string
  readonly receivedAt: string
  readonly duplicate?: boolean
}

interface GraphMessage {
  readonly id: string
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
  windowMs: number,
): Promise<FaultReport> {
  const received = (await world.genesys('/received')) as GenesysRecord[]
  const reached = { teams: await webhooksReached(world), genesys: new Map<string, Reached>() }
  const notified = await notificationsReached(world)
  const byCustomer = new Map<string, Arrival[]>()
  for (const r of received) {
    const list = byCustomer.get(r.from.id) ?? []
    list.push({ text: r.text ?? '', atMs: Date.parse(r.receivedAt), repeatedId: r.duplicate })
    byCustomer.set(r.from.id, list)
  }
  const missing: string[] = []
  const outOfOrder: string[] = []
  const overtaken: Overtaken[] = []
  const doubles: Double[] = []
  const latenciesMs: number[] = []
  let lastArrivalMs = 0
  for (const customer of customers) {
    const posted = (await world.graph(
      `/chats/${encodeURIComponent(customer.chatId)}/messages`,
    )) as GraphMessage[]
    for (const m of posted.filter((p) => p.from.user?.id === customer.id)) {
      reached.genesys.set(plain(m.body.content), {
        ownMs: Date.parse(m.createdDateTime),
        reachedMs: notified.get(m.id)?.reachedMs,
        attempts: (notified.get(m.id)?.attempts ?? []).map(
          (a) => `${a.outcome} after ${a.atMs - Date.parse(m.createdDateTime)} ms`,
        ),
      })
    }
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
      if (!result.inOrder) {
        outOfOrder.push(`${side} ${customer.chatId}: ${result.firstArrivals}`)
        for (const text of overtakenTexts(
          expected.map((e) => e.text),
          JSON.parse(result.firstArrivals) as string[],
        )) {
          const r = reached[side].get(text)
          const lateMs = r?.reachedMs === undefined ? undefined : r.reachedMs - r.ownMs
          // Unknown lateness counts as within the window: the guarantee is not excused blindly.
          overtaken.push({
            side,
            chatId: customer.chatId,
            text,
            lateMs,
            withinWindow: lateMs === undefined || lateMs <= windowMs,
            attempts: r?.attempts ?? [],
          })
        }
      }
      for (const s of expected) {
        const at = result.first.get(s.text)?.atMs
        if (at === undefined) continue
        latenciesMs.push(at - s.sentAtMs)
        lastArrivalMs = Math.max(lastArrivalMs, at)
      }
    }
  }
  const sent = sentToGenesys.length + sentToTeams.length
  return {
    sent,
    delivered: sent - missing.length,
    missing,
    outOfOrder,
    overtaken,
    lateness: {
      genesys: latenessOf(reached.genesys, windowMs),
      teams: latenessOf(reached.teams, windowMs),
    },
    doubles,
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

/** Texts that arrived after a text sent after them (the late ones of each crossing). */
export function overtakenTexts(expected: readonly string[], arrivals: readonly string[]): string[] {
  const index = new Map(expected.map((t, i) => [t, i]))
  let highest = -1
  const late: string[] = []
  for (const text of arrivals) {
    const i = index.get(text) ?? -1
    if (i < highest) late.push(text)
    highest = Math.max(highest, i)
  }
  return late
}

interface WebhookAttempt {
  readonly body: string | { text?: string; channel?: { time?: string } }
  readonly attempt: number
  readonly startedAt: string
  readonly durationMs?: number
  readonly status?: number
  readonly error?: string
}

/** Agent messages: Genesys's webhook attempts, by text (the suite's texts are unique). */
async function webhooksReached(world: FaultWorld): Promise<Map<string, Reached>> {
  const attempts = (await world.genesys('/deliveries')) as WebhookAttempt[]
  const byText = new Map<
    string,
    { ownMs: number; reachedMs: number | undefined; attempts: string[] }
  >()
  for (const a of attempts) {
    const body = (typeof a.body === 'string' ? JSON.parse(a.body) : a.body) as {
      text?: string
      channel?: { time?: string }
    }
    if (!body.text || !body.channel?.time) continue
    const ownMs = Date.parse(body.channel.time)
    const entry = byText.get(body.text) ?? { ownMs, reachedMs: undefined, attempts: [] }
    const startedMs = Date.parse(a.startedAt)
    const endMs = startedMs + (a.durationMs ?? 0)
    entry.attempts.push(`${a.status ?? a.error} at +${startedMs - ownMs} ms (${a.durationMs} ms)`)
    if (a.status !== undefined && a.status >= 200 && a.status < 300) {
      entry.reachedMs = Math.min(entry.reachedMs ?? Infinity, endMs)
    }
    byText.set(body.text, entry)
  }
  return byText
}

interface NotificationAttempt {
  readonly kind: string
  readonly at: string
  readonly outcome: string
  readonly item?: { resourceData?: { id?: string } }
}

/** Customer messages: Graph's change-notification attempts, by chat message id. */
async function notificationsReached(
  world: FaultWorld,
): Promise<
  Map<string, { reachedMs: number | undefined; attempts: Array<{ outcome: string; atMs: number }> }>
> {
  const attempts = (await world.graph('/deliveries')) as NotificationAttempt[]
  const byId = new Map<
    string,
    { reachedMs: number | undefined; attempts: Array<{ outcome: string; atMs: number }> }
  >()
  for (const a of attempts) {
    const id = a.item?.resourceData?.id
    if (a.kind !== 'notification' || !id) continue
    const entry = byId.get(id) ?? { reachedMs: undefined, attempts: [] }
    const atMs = Date.parse(a.at)
    entry.attempts.push({ outcome: a.outcome, atMs })
    if (a.outcome === 'delivered') entry.reachedMs = Math.min(entry.reachedMs ?? Infinity, atMs)
    byId.set(id, entry)
  }
  return byId
}

function latenessOf(reached: ReadonlyMap<string, Reached>, windowMs: number) {
  const late = [...reached.entries()]
    .filter(([, r]) => r.reachedMs !== undefined)
    .map(([text, r]) => ({ text, lateMs: r.reachedMs! - r.ownMs, attempts: r.attempts }))
  const latest = late.reduce<(typeof late)[number] | undefined>(
    (worst, l) => (worst === undefined || l.lateMs > worst.lateMs ? l : worst),
    undefined,
  )
  return {
    p99: quantile(
      late.map((l) => l.lateMs),
      0.99,
    ),
    max: latest?.lateMs ?? NaN,
    beyondWindow: late.filter((l) => l.lateMs > windowMs).length,
    latest: latest ? `${latest.text}: ${latest.attempts.join(', ')}` : '',
  }
}
