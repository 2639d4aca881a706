import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import type { Fault } from '../../kit/faults.ts'
import { jsonBody } from '../../kit/server.ts'
import type { NotificationFaults } from '../notifications/delivery-faults.ts'
import type { LifecycleEvent } from '../notifications/notification-body.ts'
import type { IncomingMail } from '../state/mailboxes.ts'
import type { Availability, GraphChatSeed, GraphTeamSeed, GraphUserSeed } from '../types.ts'
import type { GraphControl } from './graph-control.ts'
import type { ChannelSendsInput, UserSendsInput } from './teams-actor.ts'

type Body = Record<string, unknown>
const body = (raw: unknown): Body => (typeof raw === 'object' && raw !== null ? (raw as Body) : {})

/**
 * The control verbs over HTTP under `/_emulator` (no auth: a test and sandbox surface).
 * Bytes travel as base64 strings. Errors answer 400 `{ error }`.
 */
export function registerControlRoutes(app: FastifyInstance, control: GraphControl): void {
  app.register(
    async (scope) => {
      scope.setErrorHandler(async (error, _req, reply: FastifyReply) =>
        reply.code(400).send({ error: error instanceof Error ? error.message : String(error) }),
      )
      const read = (req: FastifyRequest) => body(jsonBody(req))
      type P<T> = { Params: T }

      scope.post('/users', async (req) => {
        const input = read(req)
        control.addUsers((Array.isArray(input.users) ? input.users : [input]) as GraphUserSeed[])
        return { ok: true }
      })
      scope.post('/chats', async (req) => control.addChat(read(req) as unknown as GraphChatSeed))
      scope.post('/teams', async (req) => control.addTeam(read(req) as unknown as GraphTeamSeed))

      scope.post<P<{ chatId: string }>>('/chats/:chatId/messages', async (req) =>
        control.userSends({ ...read(req), chatId: req.params.chatId } as unknown as UserSendsInput),
      )
      scope.get<P<{ chatId: string }>>('/chats/:chatId/messages', async (req) =>
        control.messages(req.params.chatId),
      )
      scope.patch<P<{ chatId: string; messageId: string }>>(
        '/chats/:chatId/messages/:messageId',
        async (req) => control.userEdits({ ...read(req), ...req.params }),
      )
      scope.delete<P<{ chatId: string; messageId: string }>>(
        '/chats/:chatId/messages/:messageId',
        async (req) => control.userDeletes(req.params),
      )
      scope.post<P<{ chatId: string }>>('/chats/:chatId/application-messages', async (req) =>
        control.applicationSends({ ...read(req), chatId: req.params.chatId } as never),
      )
      scope.post<P<{ teamId: string; channelId: string }>>(
        '/teams/:teamId/channels/:channelId/messages',
        async (req) =>
          control.userSendsToChannel({
            ...read(req),
            ...req.params,
          } as unknown as ChannelSendsInput),
      )
      scope.get<P<{ teamId: string; channelId: string }>>(
        '/teams/:teamId/channels/:channelId/messages',
        async (req) => control.channelMessages(req.params.teamId, req.params.channelId),
      )

      scope.post('/mail', async (req) => control.deliverMail(read(req) as unknown as IncomingMail))
      scope.get<P<{ userId: string }>>('/users/:userId/mail', async (req) =>
        control.mailbox(req.params.userId),
      )
      scope.put<P<{ userId: string }>>('/users/:userId/presence', async (req) => {
        const input = read(req)
        control.setPresence(
          req.params.userId,
          input.availability as Availability,
          input.activity as string,
        )
        return { ok: true }
      })

      scope.get('/subscriptions', async () => control.subscriptions())
      scope.post<P<{ id: string }>>('/subscriptions/:id/lifecycle', async (req) => {
        control.fireLifecycle(req.params.id, read(req).event as LifecycleEvent)
        await control.idle()
        return { ok: true }
      })
      scope.post<P<{ id: string }>>('/subscriptions/:id/expire', async (req) => {
        control.expireSubscription(req.params.id)
        return { ok: true }
      })

      scope.post('/faults', async (req) => {
        control.addFault(read(req) as unknown as Fault)
        return { ok: true }
      })
      scope.delete('/faults', async () => {
        control.clearFaults()
        return { ok: true }
      })
      scope.put('/notification-faults', async (req) => {
        control.setNotificationFaults(read(req) as NotificationFaults)
        return { ok: true }
      })
      scope.post('/throttle', async (req) => {
        control.throttle(read(req) as never)
        return { ok: true }
      })
      scope.post('/delivery-failures', async (req) => {
        control.failDeliveries(Number(read(req).count ?? 1))
        return { ok: true }
      })
      scope.get('/deliveries', async () => control.deliveries())
      scope.post('/clock/advance', async (req) => {
        await control.advance(Number(read(req).ms ?? 0))
        return { ok: true }
      })
      scope.post('/idle', async () => {
        await control.idle()
        return { ok: true }
      })
    },
    { prefix: '/_emulator' },
  )
}
