import type { ResponderDeps } from '../../src/connectors/shared/responder-deps.ts'
import {
  capturingLogger,
  realClock,
  recordingMetrics,
} from '../../src/connectors/shared/testing/fake-ports.ts'
import { NotFoundError } from '../../src/core/errors.ts'
import type { ResponderTurn } from '../../src/core/ports/responder.ts'
import type { SecretSource } from '../../src/core/ports/secrets.ts'

/** Secrets in memory; `stored` is what a reload reads (a rotation lands there first). */
export function memorySecretSource(initial: Record<string, string>) {
  const cached = new Map(Object.entries(initial))
  const stored = new Map(Object.entries(initial))
  const counts = { reloads: 0 }
  const source: SecretSource = {
    async get(name) {
      const value = cached.get(name)
      if (value === undefined) throw new NotFoundError(`no secret ${name}`)
      return value
    },
    async reload(name) {
      counts.reloads += 1
      const value = stored.get(name)
      if (value === undefined) throw new NotFoundError(`no secret ${name}`)
      cached.set(name, value)
      return value
    },
  }
  return { source, stored, counts }
}

/** Responder deps for a test: the emulator or test server at `url` is trusted. */
export function responderDeps(url: string, secrets: SecretSource) {
  const lines: string[] = []
  const log = capturingLogger(lines)
  const deps: ResponderDeps = {
    clock: realClock,
    metrics: recordingMetrics(),
    secrets,
    log,
    trustedHosts: [new URL(url).host],
  }
  return { deps, log, lines }
}

export const turn = (overrides: Partial<ResponderTurn> = {}): ResponderTurn => ({
  sessionId: 'session-1',
  turnId: 'turn-1',
  integrationId: 'integration-1',
  history: [],
  message: {
    text: 'Where is my order #1042?',
    sender: { id: '29:alex', displayName: 'Alex Customer', tenantId: 'tenant-1' },
    attachments: [],
  },
  ...overrides,
})

/** Every delta and then the result, or the error with the deltas that came before it. */
export async function drain(reply: AsyncIterable<string> & { result(): Promise<unknown> }) {
  const deltas: string[] = []
  try {
    for await (const delta of reply) deltas.push(delta)
    return { deltas, result: await reply.result(), error: undefined }
  } catch (error) {
    return { deltas, result: undefined, error }
  }
}
