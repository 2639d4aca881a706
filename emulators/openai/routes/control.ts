import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { Fault } from '../../kit/faults.ts'
import { jsonBody } from '../../kit/server.ts'
import type { OpenAiControl, ScriptedReply, StreamFault, StreamingSettings } from '../types.ts'

/** A control verb over HTTP: JSON in, JSON out (204 when it returns nothing), 400 on a bad body. */
function verb(handler: (body: never) => unknown) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await handler((jsonBody(req) ?? {}) as never)
      if (result === undefined) return reply.code(204).send()
      return reply.send(result)
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message })
    }
  }
}

/** `/_emulator/*`: the control verbs over HTTP (emulators/README.md). */
export function registerControlRoutes(app: FastifyInstance, control: OpenAiControl): void {
  app.get('/_emulator/requests', async () => control.requests())
  app.delete(
    '/_emulator/requests',
    verb(() => control.clearRequests()),
  )
  app.put(
    '/_emulator/reply',
    verb((body: ScriptedReply | { mode: 'echo' }) =>
      'mode' in body && body.mode === 'echo'
        ? control.echo()
        : control.setReply(body as ScriptedReply),
    ),
  )
  app.post(
    '/_emulator/replies',
    verb((body: ScriptedReply) => control.queueReply(body)),
  )
  app.put(
    '/_emulator/streaming',
    verb((body: Partial<StreamingSettings>) => control.setStreaming(body)),
  )
  app.post(
    '/_emulator/faults',
    verb((body: Fault) => control.addFault(body)),
  )
  app.post(
    '/_emulator/stream-faults',
    verb((body: StreamFault) => control.addStreamFault(body)),
  )
  app.delete(
    '/_emulator/faults',
    verb(() => control.clearFaults()),
  )
  app.put(
    '/_emulator/api-keys',
    verb((body: { keys: string[] }) => control.setApiKeys(body.keys)),
  )
  app.post(
    '/_emulator/reset',
    verb(() => control.reset()),
  )
  app.put(
    '/_emulator/models',
    verb((body: { models: string[] }) => control.setModels(body.models)),
  )
}
