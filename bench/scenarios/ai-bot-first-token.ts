import { DEFAULT_API_KEY } from '../../emulators/openai/index.ts'
import { type AiBotWorld, startAiBotWorld, TENANT } from '../../test/integration/ai-bot-world.ts'
import { type LatencySummary, summarize } from '../lib/stats.ts'

export interface FirstTokenRun {
  /** The model's time to first token, set on the OpenAI emulator (injected latency). */
  readonly modelFirstTokenMs: number
  /** Calling the OpenAI emulator directly: request sent → first content delta read. */
  readonly direct: LatencySummary
  /** Through the bridge: the Teams user's message sent → first streamed model text in Teams. */
  readonly bridge: LatencySummary
  /** Bridge minus direct, per percentile. */
  readonly addedP50Ms: number
  readonly addedP99Ms: number
}

export interface FirstTokenResult {
  readonly users: number
  readonly runs: readonly FirstTokenRun[]
}

/** Teams: at most one streaming request a second per stream; a user's next turn waits that long. */
const TURN_CYCLE_MS = 1_050

const ANSWER = 'Your laptop ships on Monday from the Lisbon depot and should arrive by Wednesday.'

/**
 * Issue 3's benchmark: the time the bridge adds before the first streamed token of an AI answer
 * reaches Teams (the Bot Framework emulator), against calling the model (the OpenAI emulator)
 * directly in the same run. Everything runs in this process (emulators and bridge share one
 * event loop, which only adds to the bridge's side). Users talk in parallel 1:1 chats, each starting at its own moment of the turn cycle.
 * Teams accepts one streaming request per second per stream and the bridge sends its
 * informative update at once, so a model that answers faster than a second waits for that
 * second: the run with a 0 ms model shows that floor, the other a realistic time to first token.
 */
export async function runAiBotFirstToken(options: {
  readonly turnsPerUser: number
  readonly users: number
  readonly modelFirstTokenMs: readonly number[]
}): Promise<FirstTokenResult> {
  const firstTexts = new FirstModelTexts()
  const world = await startAiBotWorld({
    onBotActivity: (conversationId, activity) => firstTexts.seen(conversationId, activity),
    keepLogs: false,
  })
  try {
    await world.createBot({ stream: true })
    world.openai.control.setReply({ text: ANSWER })
    world.openai.control.setStreaming({ chunkChars: 12, chunkDelayMs: 15 })
    const runs: FirstTokenRun[] = []
    for (const latencyMs of options.modelFirstTokenMs) {
      world.openai.control.clearFaults()
      if (latencyMs > 0) {
        world.openai.control.addFault({
          route: 'openai.chat.completions',
          latencyMs,
          times: 1_000_000,
        })
      }
      const direct = await directFirstTokens(world, options.turnsPerUser)
      const bridge = await bridgeFirstTokens(world, firstTexts, options)
      runs.push({
        modelFirstTokenMs: latencyMs,
        direct: summarize(direct),
        bridge: summarize(bridge),
        addedP50Ms: summarize(bridge).p50 - summarize(direct).p50,
        addedP99Ms: summarize(bridge).p99 - summarize(direct).p99,
      })
    }
    return { users: options.users, runs }
  } finally {
    await world.close()
  }
}

async function directFirstTokens(world: AiBotWorld, count: number): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < count; i += 1) {
    const started = performance.now()
    const response = await fetch(`${world.openai.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DEFAULT_API_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: `Where is my laptop? (${i})` }],
      }),
    })
    const decoder = new TextDecoder()
    let seen = ''
    for await (const chunk of response.body!) {
      seen += decoder.decode(chunk as Uint8Array, { stream: true })
      if (/"content":"[^"]/.test(seen)) break
    }
    samples.push(performance.now() - started)
    await response.body?.cancel().catch(() => {})
  }
  return samples
}

async function bridgeFirstTokens(
  world: AiBotWorld,
  firstTexts: FirstModelTexts,
  options: { readonly turnsPerUser: number; readonly users: number },
): Promise<number[]> {
  const samples: number[] = []
  const users = Array.from({ length: options.users }, (_, n) => ({
    id: `29:1bench${n}`,
    aadObjectId: `0c0c0c0c-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `Bench User ${n}`,
    tenantId: TENANT,
    userPrincipalName: `bench${n}@contoso.example`,
  }))
  await Promise.all(
    users.map(async (user, n) => {
      // Users are independent: each starts at its own moment within the turn cycle, so their
      // turns overlap (a turn lasts the model's time and more) without arriving in lockstep.
      await new Promise((resolve) => setTimeout(resolve, (n * TURN_CYCLE_MS) / users.length))
      // The first turn of each user warms the path up (JIT, connections, caches): not counted.
      for (let i = -1; i < options.turnsPerUser; i += 1) {
        const sentAt = world.clock.nowMs()
        const said = await world.teams.control.userSends({ user, text: `Where is my laptop? ${i}` })
        const conversationId = (said.activity.conversation as { id: string }).id
        const first = await firstTexts.after(conversationId, sentAt)
        if (i >= 0) samples.push(first - sentAt)
        await firstTexts.finalAfter(conversationId, sentAt)
        // Teams: at most one streaming request a second; the next turn starts a new stream.
        await new Promise((resolve) => setTimeout(resolve, TURN_CYCLE_MS))
      }
    }),
  )
  return samples
}

/**
 * What the Teams emulator recorded, told by its hook as it records each activity (no polling of
 * its records or of the queue, which would load the event loop the bridge shares): when model
 * text first reached a conversation (a streaming update or the message), and when a reply ended
 * (a message: the stream's final, or the one message of an unstreamed reply).
 */
class FirstModelTexts {
  readonly #texts = new Map<string, number[]>()
  readonly #finals = new Map<string, number[]>()
  readonly #waiters = new Map<string, Array<() => void>>()

  seen(conversationId: string, activity: unknown): void {
    const a = activity as {
      type?: string
      text?: string
      timestamp?: string
      entities?: Array<{ type: string; streamType?: string }>
    }
    const info = a.entities?.find((e) => e.type === 'streaminfo')
    const modelText =
      (a.type === 'typing' && info?.streamType === 'streaming') || a.type === 'message'
    if (!modelText || !a.text || !a.timestamp) return
    const at = Date.parse(a.timestamp)
    push(this.#texts, conversationId, at)
    if (a.type === 'message') push(this.#finals, conversationId, at)
    for (const wake of this.#waiters.get(conversationId)?.splice(0) ?? []) wake()
  }

  /** When model text first reached the conversation at or after `since`. */
  after(conversationId: string, since: number): Promise<number> {
    return this.#wait(this.#texts, conversationId, since)
  }

  /** When a reply ended in the conversation at or after `since`. */
  finalAfter(conversationId: string, since: number): Promise<number> {
    return this.#wait(this.#finals, conversationId, since)
  }

  async #wait(times: Map<string, number[]>, conversationId: string, since: number) {
    const deadline = Date.now() + 30_000
    for (;;) {
      const hit = times.get(conversationId)?.find((at) => at >= since)
      if (hit !== undefined) return hit
      if (Date.now() > deadline) throw new Error(`no streamed answer in ${conversationId}`)
      await new Promise<void>((resolve) => {
        const waiters = this.#waiters.get(conversationId) ?? []
        waiters.push(resolve)
        this.#waiters.set(conversationId, waiters)
        setTimeout(resolve, 1_000).unref()
      })
    }
  }
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key) ?? []
  list.push(value)
  map.set(key, list)
}
