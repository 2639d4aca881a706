import type { Fault } from '../kit/faults.ts'

/** An OpenAI error object (https://platform.openai.com/docs/guides/error-codes). */
export interface OpenAiErrorObject {
  readonly message: string
  readonly type: string
  readonly param: string | null
  readonly code: string | null
}

export type FinishReason = 'stop' | 'length' | 'content_filter'

/** A configured answer. `text` is split into chunks as the stream settings say. */
export interface ScriptedReply {
  readonly text: string
  readonly finishReason?: FinishReason
}

/** What goes wrong inside a 200 stream, after `afterChunks` content chunks (default 1). */
export interface StreamFault {
  /**
   * `stall`: stops writing and keeps the connection open; `cut`: destroys the connection;
   * `error-event`: sends `data: {"error": …}` and ends; `malformed`: sends a `data:` line that
   * is not JSON and ends; `end-early`: ends cleanly without finish_reason or `[DONE]`.
   */
  readonly kind: 'stall' | 'cut' | 'error-event' | 'malformed' | 'end-early'
  readonly afterChunks?: number
  /** How many streams it applies to (default 1). */
  readonly times?: number
  /** The error object of an `error-event` (default: a `server_error`). */
  readonly error?: OpenAiErrorObject
}

export interface StreamingSettings {
  /** Characters per content chunk; 0 (default): one word (with its leading space) per chunk. */
  readonly chunkChars: number
  /** Pause between two chunks. */
  readonly chunkDelayMs: number
}

export interface RecordedRequest {
  /** The `x-request-id` answered. */
  readonly requestId: string
  readonly at: string
  readonly method: string
  readonly path: string
  /** The bearer token as sent (the emulator's keys are test values). */
  readonly apiKey: string | undefined
  /** The parsed JSON body, or the raw text when it was not JSON. */
  readonly body: unknown
  readonly status: number
}

export interface OpenAiControl {
  /** Answers with the last user message: `You said: …` (the default). */
  echo(): void
  /** Answers every request with this text until `echo()`. */
  setReply(reply: ScriptedReply): void
  /** One-shot answers, used in order before the persistent one. */
  queueReply(reply: ScriptedReply): void
  setStreaming(settings: Partial<StreamingSettings>): void
  /** Status faults (429/5xx with Retry-After, latency, drop) per route name, see the README. */
  addFault(fault: Fault): void
  addStreamFault(fault: StreamFault): void
  clearFaults(): void
  setApiKeys(keys: readonly string[]): void
  setModels(models: readonly string[]): void
  requests(): RecordedRequest[]
  clearRequests(): void
  /** Back to the start: echo, no faults, no requests, default streaming, keys and models. */
  reset(): void
}
