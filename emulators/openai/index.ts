import { EmulatorClock } from '../kit/clock.ts'
import { FaultInjector } from '../kit/faults.ts'
import { createEmulatorApp, listen } from '../kit/server.ts'
import { createControl } from './control.ts'
import { sendOpenAiError } from './errors.ts'
import { registerChatCompletions } from './routes/chat-completions.ts'
import { registerControlRoutes } from './routes/control.ts'
import { registerModels } from './routes/models.ts'
import { DEFAULT_API_KEY, DEFAULT_MODELS, OpenAiState } from './state.ts'
import type { OpenAiControl } from './types.ts'

export { DEFAULT_API_KEY, DEFAULT_MODELS } from './state.ts'
export type * from './types.ts'

export interface OpenAiEmulator {
  /** `http://127.0.0.1:PORT`; the API base URL is `{url}/v1`. */
  readonly url: string
  readonly baseUrl: string
  readonly control: OpenAiControl
  close(): Promise<void>
}

export interface OpenAiEmulatorOptions {
  readonly port?: number
  readonly clock?: EmulatorClock
  /** Accepted bearer keys (default: DEFAULT_API_KEY). */
  readonly apiKeys?: readonly string[]
  readonly models?: readonly string[]
}

/** An OpenAI-compatible chat-completions API on 127.0.0.1 (emulators/README.md). */
export async function startOpenAiEmulator(
  options: OpenAiEmulatorOptions = {},
): Promise<OpenAiEmulator> {
  const clock = options.clock ?? new EmulatorClock()
  const initial = {
    apiKeys: options.apiKeys ?? [DEFAULT_API_KEY],
    models: options.models ?? DEFAULT_MODELS,
  }
  const state = new OpenAiState(new FaultInjector(), initial.apiKeys, initial.models)
  const control = createControl(state, initial)
  const app = createEmulatorApp()
  registerChatCompletions(app, state, clock)
  registerModels(app, state)
  registerControlRoutes(app, control)
  app.setNotFoundHandler((req, reply) =>
    sendOpenAiError(reply, 404, {
      message: `Invalid URL (${req.method} ${req.url.split('?')[0]})`,
      type: 'invalid_request_error',
    }),
  )
  const listening = await listen(app, options.port ?? 0)
  return {
    url: listening.url,
    baseUrl: `${listening.url}/v1`,
    control,
    async close() {
      for (const res of state.open) res.destroy()
      app.server.closeAllConnections()
      await listening.close()
    },
  }
}
