import { z } from 'zod'

import type { ResponderTurn } from '../../core/ports/responder.ts'

/** The JSON body POSTed for one turn (version 1, docs/responders.md). */
export function turnBody(turn: ResponderTurn, historyMessages: number, sentAt: Date) {
  return {
    version: 1,
    type: 'turn',
    turnId: turn.turnId,
    sessionId: turn.sessionId,
    ...(turn.integrationId !== undefined ? { integrationId: turn.integrationId } : {}),
    sentAt: sentAt.toISOString(),
    ...(turn.locale !== undefined ? { locale: turn.locale } : {}),
    message: {
      text: turn.message.text,
      sender: turn.message.sender,
      attachments: turn.message.attachments,
    },
    history: historyMessages > 0 ? turn.history.slice(-historyMessages) : [],
  }
}

/** A whole answer (`application/json`): `text` is the reply; empty means no reply. */
export const jsonAnswer = z.object({ text: z.string() })

/** One line of a streamed answer (`application/x-ndjson`). */
export const answerLine = z.union([
  z.object({ delta: z.string() }),
  z.object({ done: z.literal(true) }),
  z.object({ error: z.object({ code: z.string().optional() }).passthrough() }),
])
