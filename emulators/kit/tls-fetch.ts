import { Agent, fetch as undiciFetch } from 'undici'

import { emulatorTls } from './server.ts'

let agent: Agent | undefined

/** An undici dispatcher that trusts the emulators' test-only certificate (and nothing else). */
export function emulatorDispatcher(): Agent {
  agent ??= new Agent({ connect: { ca: emulatorTls().cert } })
  return agent
}

/** `fetch` for tests talking to HTTPS emulators (the identity emulator). */
export const emulatorFetch = ((input: Parameters<typeof undiciFetch>[0], init = {}) =>
  undiciFetch(input, { ...init, dispatcher: emulatorDispatcher() })) as (
  input: Parameters<typeof undiciFetch>[0],
  init?: Parameters<typeof undiciFetch>[1],
) => ReturnType<typeof undiciFetch>
