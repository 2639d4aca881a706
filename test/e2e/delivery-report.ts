import { DEMO } from '../../src/app/sandbox-seed.ts'
import type { CrashWorld } from './crash-world.ts'

/** One text as a remote recorded it, with the remote's own time. */
export interface Arrival {
  readonly text: string
  readonly atMs: number
  /** Genesys: the `channel.messageId` was seen before (the same send, repeated). */
  readonly repeatedId?: boolean
}

/** A text that arrived twice, with when each copy arrived. */
export interface Double {
  readonly side: 'genesys' | 'teams'
  readonly text: string
  readonly firstAtMs: number
  readonly againAtMs: number
  readonly repeatedId?: boolean
}

/** When the test sent SIGKILL, and when it saw the process gone. */
export interface Kill {
  readonly atMs: number
  readonly exitedAtMs: number
}

/** Text of a Teams message body the bridge posted (`<p>text</p>`). */
const plain = (html: string) => html.replace(/<[^>]*>/g, '').trim()

/**
 * What reached each side, per chat, from the emulators' own records (customer texts Genesys
 * accepted, by `from.id`; agent texts the service account posted in Teams), compared with what
 * was sent: texts missing, texts out of order (by first arrival), and doubles.
 */
export function deliveryReport(
  w: CrashWorld,
  sentByChat: ReadonlyMap<string, readonly string[]>,
  repliesByChat: ReadonlyMap<string, readonly string[]>,
) {
  const received = w.genesys.control.received()
  const missing: string[] = []
  const outOfOrder: string[] = []
  const doubles: Double[] = []
  for (const customer of w.customers) {
    const inGenesys = received
      .filter((r) => r.from.id === customer.genesysId)
      .map((r) => ({
        text: r.text ?? '',
        atMs: Date.parse(r.receivedAt),
        repeatedId: r.duplicate,
      }))
    const inTeams = w.graph.control
      .messages(customer.chatId)
      .filter((m) => m.from.user?.id === DEMO.serviceAccount.id)
      .map((m) => ({ text: plain(m.body.content), atMs: Date.parse(m.createdDateTime) }))
    for (const [side, expected, actual] of [
      ['genesys', sentByChat.get(customer.chatId) ?? [], inGenesys],
      ['teams', repliesByChat.get(customer.chatId) ?? [], inTeams],
    ] as const) {
      const result = compare(side, expected, actual)
      missing.push(...result.missing)
      doubles.push(...result.doubles)
      if (!result.inOrder) outOfOrder.push(`${side} ${customer.chatId}: ${result.firstArrivals}`)
    }
  }
  return { missing, outOfOrder, doubles, summary: summary(w, missing, outOfOrder, doubles) }
}

/** Per conversation and side: what is missing, doubled, and whether first arrivals kept order. */
export function compare(
  side: Double['side'],
  expected: readonly string[],
  actual: readonly Arrival[],
) {
  const first = new Map<string, Arrival>()
  const doubles: Double[] = []
  for (const arrival of actual) {
    const earlier = first.get(arrival.text)
    if (earlier)
      doubles.push({
        side,
        text: arrival.text,
        firstAtMs: earlier.atMs,
        againAtMs: arrival.atMs,
        ...(arrival.repeatedId !== undefined && { repeatedId: arrival.repeatedId }),
      })
    else first.set(arrival.text, arrival)
  }
  const firstArrivals = [...first.keys()].filter((t) => expected.includes(t))
  const inOrder = firstArrivals.join('\n') === expected.filter((t) => first.has(t)).join('\n')
  return {
    first,
    missing: expected.filter((t) => !first.has(t)),
    doubles,
    inOrder,
    firstArrivals: JSON.stringify(firstArrivals),
  }
}

function summary(
  w: CrashWorld,
  missing: readonly string[],
  outOfOrder: readonly string[],
  doubles: readonly Double[],
): string {
  const received = w.genesys.control.received()
  const graph = w.graph.control.deliveries().filter((d) => d.kind === 'notification')
  const webhooks = w.genesys.control.deliveries()
  return [
    `Genesys received ${received.length} (flagged duplicate: ${received.filter((r) => r.duplicate).length})`,
    `missing ${JSON.stringify(missing)}`,
    `out of order ${JSON.stringify(outOfOrder)}`,
    `doubles ${JSON.stringify(doubles)}`,
    `Graph notification attempts ${JSON.stringify(tally(graph.map((d) => d.outcome)))}, slow ${graph.filter((d) => d.slow).length}`,
    `Genesys webhook attempts ${JSON.stringify(tally(webhooks.map((d) => String(d.status ?? d.error))))}`,
  ].join('\n')
}

const tally = (values: readonly string[]) => {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}
