/** Where a Teams stream stands; anything but `streaming` refuses further stream activities. */
export type StreamStatus = 'streaming' | 'final' | 'cancelled' | 'timedOut'

/** One streamed bot message (the `streamId` is the id of its first activity). */
export interface StreamRecord {
  readonly streamId: string
  readonly conversationId: string
  readonly botAppId: string
  /** Emulator clock, milliseconds. */
  readonly startedAt: number
  status: StreamStatus
  lastSequence: number
  /** When the last stream activity was accepted (for the one-request-a-second limit). */
  lastAcceptedAt: number
  /** Text of the last `streaming` update; informative text does not count. */
  streamedText: string
  /** Accepted interim activities, the first included (not the final). */
  updates: number
}

/** Every stream the emulated Teams has seen, for the routes and for `control.streams()`. */
export class TeamsStreams {
  readonly #byId = new Map<string, StreamRecord>()

  start(input: {
    streamId: string
    conversationId: string
    botAppId: string
    now: number
    text: string
    informative: boolean
  }): StreamRecord {
    const record: StreamRecord = {
      streamId: input.streamId,
      conversationId: input.conversationId,
      botAppId: input.botAppId,
      startedAt: input.now,
      status: 'streaming',
      lastSequence: 1,
      lastAcceptedAt: input.now,
      streamedText: input.informative ? '' : input.text,
      updates: 1,
    }
    this.#byId.set(key(input.conversationId, input.streamId), record)
    return record
  }

  get(conversationId: string, streamId: string): StreamRecord | undefined {
    return this.#byId.get(key(conversationId, streamId))
  }

  list(conversationId?: string): StreamRecord[] {
    return [...this.#byId.values()].filter(
      (s) => conversationId === undefined || s.conversationId === conversationId,
    )
  }

  /** The user pressed Stop on the newest running stream of the conversation (or the one named). */
  cancel(conversationId: string, streamId?: string): StreamRecord | undefined {
    const running = this.list(conversationId).filter(
      (s) => s.status === 'streaming' && (streamId === undefined || s.streamId === streamId),
    )
    const target = running.at(-1)
    if (target) target.status = 'cancelled'
    return target
  }
}

const key = (conversationId: string, streamId: string) => `${conversationId}\u0000${streamId}`
