import type { ServerResponse } from 'node:http'

import type { FaultInjector } from '../kit/faults.ts'
import type { RecordedRequest, ScriptedReply, StreamFault, StreamingSettings } from './types.ts'

export const DEFAULT_API_KEY = 'sk-emulator-0000000000000000'
export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini']

/** Everything the routes share; the control verbs change it. */
export class OpenAiState {
  apiKeys: Set<string>
  models: string[]
  readonly requests: RecordedRequest[] = []
  readonly queued: ScriptedReply[] = []
  reply: ScriptedReply | 'echo' = 'echo'
  streaming: StreamingSettings = { chunkChars: 0, chunkDelayMs: 0 }
  readonly streamFaults: Array<StreamFault & { remaining: number }> = []
  /** Responses still being written (closed when the emulator stops). */
  readonly open = new Set<ServerResponse>()
  readonly faults: FaultInjector

  constructor(faults: FaultInjector, apiKeys: readonly string[], models: readonly string[]) {
    this.faults = faults
    this.apiKeys = new Set(apiKeys)
    this.models = [...models]
  }

  takeStreamFault(): StreamFault | undefined {
    const fault = this.streamFaults[0]
    if (!fault) return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) this.streamFaults.shift()
    return fault
  }

  /** The next answer: a queued one, else the persistent one, else an echo of the user. */
  nextReply(lastUserText: string): ScriptedReply {
    const queued = this.queued.shift()
    if (queued) return queued
    if (this.reply !== 'echo') return this.reply
    return { text: `You said: ${lastUserText}` }
  }
}
