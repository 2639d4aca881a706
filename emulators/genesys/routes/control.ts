import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { Fault } from '../../kit/faults.ts'
import { jsonBody } from '../../kit/server.ts'
import { ControlError } from '../control-error.ts'
import type {
  AgentSendInput,
  ConversationTarget,
  GenesysControl,
  GenesysSeed,
  Outage,
  OutboundFault,
} from '../types.ts'

type Handler = (body: never, params: Record<string, string>) => unknown

/** Wraps a control verb: JSON in, JSON out, ControlError → its status, other errors → 400. */
function verb(handler: Handler, status = 200) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    try {
      const result = await handler(
        (jsonBody(req) ?? {}) as never,
        req.params as Record<string, string>,
      )
      if (result === undefined) return reply.code(204).send()
      return reply.code(status).send(result)
    } catch (error) {
      const code = error instanceof ControlError ? error.status : 400
      return reply.code(code).send({ error: (error as Error).message })
    }
  }
}

/** `/_emulator/*`: the control verbs over HTTP for the console and black-box tests (see README). */
export function registerControlRoutes(app: FastifyInstance, control: GenesysControl): void {
  const on = verb
  app.post(
    '/_emulator/seed',
    on((seed: GenesysSeed) => control.seed(seed)),
  )
  app.patch(
    '/_emulator/integrations/:id',
    on((patch: Parameters<GenesysControl['updateIntegration']>[1], p) =>
      control.updateIntegration(p.id!, patch),
    ),
  )
  app.put(
    '/_emulator/integrations/:id/webhook-token',
    on((body: { webhookToken: string }, p) => control.rotateWebhookToken(p.id!, body.webhookToken)),
  )
  app.post(
    '/_emulator/agent/messages',
    on((input: AgentSendInput) => control.agentSends(input), 202),
  )
  app.post(
    '/_emulator/agent/typing',
    on((input: ConversationTarget) => control.agentTyping(input), 202),
  )
  app.post(
    '/_emulator/agent/disconnect',
    on((input: ConversationTarget) => control.disconnect(input)),
  )

  const lists = {
    received: control.received,
    events: control.events,
    receipts: control.receipts,
    conversations: control.conversations,
    outbound: control.outbound,
    deliveries: control.deliveries,
    'presence-changes': control.presenceChanges,
    emails: control.emails,
  }
  for (const [name, list] of Object.entries(lists))
    app.get(`/_emulator/${name}`, async () => list())

  app.post(
    '/_emulator/faults',
    on((fault: Fault) => control.failNext(fault)),
  )
  app.post(
    '/_emulator/outages',
    on((outage: Outage) => control.outage(outage)),
  )
  app.post(
    '/_emulator/outbound-faults',
    on((fault: OutboundFault) => control.outboundFault(fault)),
  )
  app.delete(
    '/_emulator/faults',
    on(() => control.clearFaults()),
  )
  app.post(
    '/_emulator/tokens/expire',
    on(() => control.expireTokens()),
  )
  app.put(
    '/_emulator/rate-limit',
    on((body: { enabled?: boolean; perMinute?: number }) => control.setRateLimit(body)),
  )
  app.post(
    '/_emulator/clock/advance',
    on((body: { ms: number }) => control.advanceClock(body.ms)),
  )
  app.post(
    '/_emulator/idle',
    on(() => control.idle()),
  )
}
