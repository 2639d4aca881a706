import type { InboundMessageRecord } from '../../emulators/genesys/index.ts'
import { type LatencySummary, summarize } from './stats.ts'

/** A customer message the bench created on the Teams side. */
export interface SentMessage {
  /** Unique text, which is how the message is found again in Genesys. */
  readonly text: string
  /** Messages of one sender must reach Genesys in the order they were written. */
  readonly sender: string
  /** When Teams created it (epoch ms, the message's createdDateTime). */
  readonly createdMs: number
  /** The Teams message id, when it came from the Graph emulator. */
  readonly remoteId?: string
}

export interface ArrivalReport {
  readonly sent: number
  /** Sent messages Genesys recorded exactly once. */
  readonly arrivedOnce: number
  readonly missing: number
  /** Extra copies of sent messages (Genesys records, or `duplicate: true` flags). */
  readonly duplicates: number
  /** Senders whose messages reached Genesys in another order than they were written. */
  readonly sendersOutOfOrder: number
  /** Genesys receivedAt − Teams createdDateTime, ms (both millisecond timestamps). */
  readonly latencyMs: LatencySummary
  /** Genesys receivedAt of the first and last of these messages (epoch ms). */
  readonly firstArrivalMs: number
  readonly lastArrivalMs: number
}

/** Matches what Genesys recorded against what was sent: once, in order, how late. */
export function checkArrivals(
  sent: readonly SentMessage[],
  received: readonly InboundMessageRecord[],
): ArrivalReport {
  const byText = new Map<string, InboundMessageRecord[]>()
  for (const record of received) {
    if (record.text === undefined) continue
    const list = byText.get(record.text)
    if (list) list.push(record)
    else byText.set(record.text, [record])
  }
  let arrivedOnce = 0
  let duplicates = 0
  const latencies: number[] = []
  const arrivalIndex = new Map<InboundMessageRecord, number>(received.map((r, i) => [r, i]))
  const orderBySender = new Map<string, number[]>()
  let firstArrivalMs = Infinity
  let lastArrivalMs = -Infinity
  for (const message of sent) {
    const records = byText.get(message.text) ?? []
    if (records.length === 0) continue
    if (records.length === 1 && !records[0]!.duplicate) arrivedOnce += 1
    // Extra copies, or copies Genesys flagged as a repeated channel.messageId: whichever is more.
    duplicates += Math.max(records.length - 1, records.filter((r) => r.duplicate).length)
    const first = records[0]!
    const arrivedMs = Date.parse(first.receivedAt)
    firstArrivalMs = Math.min(firstArrivalMs, arrivedMs)
    lastArrivalMs = Math.max(lastArrivalMs, arrivedMs)
    latencies.push(arrivedMs - message.createdMs)
    const order = orderBySender.get(message.sender) ?? []
    order.push(arrivalIndex.get(first)!)
    orderBySender.set(message.sender, order)
  }
  const sendersOutOfOrder = [...orderBySender.values()].filter((order) =>
    order.some((index, i) => i > 0 && index < order[i - 1]!),
  ).length
  return {
    sent: sent.length,
    arrivedOnce,
    missing: sent.filter((m) => !byText.has(m.text)).length,
    duplicates,
    sendersOutOfOrder,
    latencyMs: summarize(latencies),
    firstArrivalMs,
    lastArrivalMs,
  }
}

/** Polls until `count` messages of `sent` have reached Genesys, or the timeout passes. */
export async function waitForArrivals(
  received: () => readonly InboundMessageRecord[],
  sent: readonly SentMessage[],
  timeoutMs: number,
): Promise<boolean> {
  const texts = new Set(sent.map((m) => m.text))
  const deadline = Date.now() + timeoutMs
  const seen = new Set<string>()
  let scanned = 0
  for (;;) {
    const records = received()
    for (; scanned < records.length; scanned += 1) {
      const text = records[scanned]!.text ?? ''
      if (texts.has(text)) seen.add(text)
    }
    if (seen.size >= texts.size) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
