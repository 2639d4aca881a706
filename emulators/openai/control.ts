import type { OpenAiState } from './state.ts'
import type { OpenAiControl, ScriptedReply, StreamFault } from './types.ts'

const FINISH = ['stop', 'length', 'content_filter']
const STREAM_FAULTS = ['stall', 'cut', 'error-event', 'malformed', 'end-early']

/** The in-process control surface; `/_emulator/*` exposes the same verbs over HTTP. */
export function createControl(
  state: OpenAiState,
  initial: { apiKeys: readonly string[]; models: readonly string[] },
): OpenAiControl {
  const control: OpenAiControl = {
    echo() {
      state.reply = 'echo'
      state.queued.length = 0
    },
    setReply: (reply) => void (state.reply = checkedReply(reply)),
    queueReply: (reply) => void state.queued.push(checkedReply(reply)),
    setStreaming(settings) {
      const next = { ...state.streaming, ...settings }
      for (const [name, value] of Object.entries(next)) {
        if (!Number.isInteger(value) || value < 0)
          throw new Error(`${name} must be an integer >= 0`)
      }
      state.streaming = next
    },
    addFault: (fault) => state.faults.add(fault),
    addStreamFault(fault) {
      if (!STREAM_FAULTS.includes(fault.kind)) {
        throw new Error(`kind must be one of ${STREAM_FAULTS.join(', ')}`)
      }
      state.streamFaults.push({ ...fault, remaining: fault.times ?? 1 } as StreamFault & {
        remaining: number
      })
    },
    clearFaults() {
      state.faults.clear()
      state.streamFaults.length = 0
    },
    setApiKeys(keys) {
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '')) {
        throw new Error('keys must be non-empty strings')
      }
      state.apiKeys = new Set(keys)
    },
    setModels(models) {
      if (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m === '')) {
        throw new Error('models must be non-empty strings')
      }
      state.models = [...models]
    },
    requests: () => [...state.requests],
    clearRequests: () => void (state.requests.length = 0),
    reset() {
      control.echo()
      control.clearFaults()
      control.clearRequests()
      state.streaming = { chunkChars: 0, chunkDelayMs: 0 }
      state.apiKeys = new Set(initial.apiKeys)
      state.models = [...initial.models]
    },
  }
  return control
}

function checkedReply(reply: ScriptedReply): ScriptedReply {
  if (typeof reply?.text !== 'string') throw new Error('text must be a string')
  if (reply.finishReason !== undefined && !FINISH.includes(reply.finishReason)) {
    throw new Error(`finishReason must be one of ${FINISH.join(', ')}`)
  }
  return { text: reply.text, ...(reply.finishReason ? { finishReason: reply.finishReason } : {}) }
}
