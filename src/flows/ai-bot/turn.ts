import type { InboundEnvelope, IncomingMessage } from '../../core/events.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import { isAllowedFrom } from '../../core/policies/allow-from.ts'
import type { ResponderFailure } from '../../core/policies/responder-failure.ts'
import { isSessionReset } from '../../core/policies/session-commands.ts'
import type { Job, JobContext } from '../../core/ports/job-queue.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { ResponderAttachment, ResponderTurn } from '../../core/ports/responder.ts'
import type { SessionKey } from '../../core/ports/session-store.ts'
import { rehostAttachments } from '../customer-chat/rehost.ts'
import { fixedText, politeAnswer } from './answer.ts'
import type { AiBotDeps, OpenedBot } from './deps.ts'
import { addressesBot, type IdentifiedUser, identify, sessionUserId } from './identify.ts'
import type { BotEnvelopePayload } from './tasks.ts'
import { BOT_TEXTS } from './texts.ts'
import { type TurnRecord, turnRecords } from './turn-records.ts'

interface Turn {
  readonly key: string
  readonly bot: OpenedBot
  readonly envelope: InboundEnvelope
  readonly message: IncomingMessage
  readonly log: Logger
  readonly signal: AbortSignal
}

/**
 * One message to a bot, from the queue (lane per conversation): mention gate, allowFrom,
 * contact, session commands, attachments, then the responder's answer streamed into the chat.
 * Every step that reaches the user is keyed by the activity, so a retried job neither answers
 * twice nor loses the answer; a finished turn is recorded and never run again.
 */
export async function handleTurn(job: Job, ctx: JobContext, deps: AiBotDeps): Promise<void> {
  const { integrationId, envelope } = job.payload as unknown as BotEnvelopePayload
  if (envelope.event.type !== 'message.created') return
  const message = envelope.event.message
  const log = ctx.log.child({ integrationId, activityId: message.remoteMessageId })
  const bot = await deps.bots.bot(integrationId as IntegrationId)
  if (!bot) {
    log.info({}, 'bot integration deleted or disabled: message dropped')
    return
  }
  const key = `ai-bot:${integrationId}:${message.remoteMessageId}`
  const records = turnRecords(deps.store.state)
  if (await records.get(key)) return
  const turn: Turn = { key, bot, envelope, message, log, signal: ctx.signal }
  const record = await runTurn(turn, deps)
  await records.put(key, record)
  deps.metrics.increment('cxb_bot_turns_total', { outcome: record.outcome })
}

async function runTurn(turn: Turn, deps: AiBotDeps): Promise<TurnRecord> {
  const { bot, envelope, message, log } = turn
  const done = (outcome: TurnRecord['outcome'], answer = ''): TurnRecord => ({
    outcome,
    conversation: envelope.address.key,
    userId: sessionUserId(message.sender),
    question: message.text,
    answer,
    at: deps.clock.now().toISOString(),
  })

  if (!addressesBot(bot.behaviour, bot.channel.scopeOf(envelope.address), message.botMentioned)) {
    return done('ignored')
  }
  const user = await identify(bot, envelope.address, message.sender, turn)
  if (!isAllowedFrom(bot.behaviour.allowFrom, user)) {
    log.info({}, 'sender not in allowFrom: refused')
    await say(turn, BOT_TEXTS.notAllowed)
    return done('refused', BOT_TEXTS.notAllowed)
  }
  if (bot.behaviour.contactCollection) await recordContact(turn, user, deps)

  const session: SessionKey = {
    integrationId: bot.integration.id,
    userId: sessionUserId(message.sender),
  }
  if (isSessionReset(message.text)) {
    await deps.sessions.reset(session)
    await say(turn, BOT_TEXTS.sessionReset)
    return done('reset', BOT_TEXTS.sessionReset)
  }
  const attachments = bot.behaviour.attachments ? await passAttachments(turn, deps) : []
  if (message.text.trim() === '' && attachments.length === 0) return done('ignored')

  const history = (await deps.sessions.current(session))?.turns ?? []
  const responderTurn: ResponderTurn = {
    sessionId: `teams-session-${session.integrationId}-${session.userId}`,
    turnId: turn.key,
    integrationId: bot.integration.id,
    history: history.map((t) => ({
      role: t.role === 'bot' ? ('assistant' as const) : ('user' as const),
      content: t.text,
    })),
    message: {
      text: message.text,
      sender: senderOf(message, user),
      attachments,
    },
    ...(message.locale ? { locale: message.locale } : {}),
  }
  let failure: ResponderFailure | undefined
  const outcome = await bot.channel.reply({
    to: envelope.address,
    stream: bot.behaviour.stream,
    idempotencyKey: turn.key,
    log,
    signal: turn.signal,
    deltas: (stop) =>
      politeAnswer(
        () =>
          deps.responders
            .responder(bot.behaviour.responder)
            .respond(responderTurn, { signal: stop, log }),
        stop,
        log,
        (f) => (failure = f),
      ),
  })
  // The history keeps what the user saw; a failure's apology is not part of the conversation.
  const said = failure ? [] : [{ role: 'bot' as const, text: outcome.text }]
  await deps.sessions.append(session, [{ role: 'user', text: message.text }, ...said], {
    durationMs: bot.behaviour.sessionDurationMs,
  })
  return done(failure ? 'failed' : 'answered', outcome.text)
}

/** A message of the bot's own, once per turn. */
async function say(turn: Turn, text: string): Promise<void> {
  await turn.bot.channel.reply({
    to: turn.envelope.address,
    stream: false,
    idempotencyKey: `${turn.key}:notice`,
    log: turn.log,
    signal: turn.signal,
    deltas: () => fixedText(text),
  })
}

async function recordContact(turn: Turn, user: IdentifiedUser, deps: AiBotDeps): Promise<void> {
  if (!user.aadObjectId || !user.tenantId) {
    turn.log.info({}, 'sender has no Entra identity: no contact recorded')
    return
  }
  await deps.store.contacts.upsert({
    integrationId: turn.bot.integration.id,
    tenantId: user.tenantId,
    aadObjectId: user.aadObjectId,
    ...(user.name ? { name: user.name } : {}),
    ...(user.upn ? { upn: user.upn } : {}),
    ...(user.email ? { email: user.email } : {}),
    seenAt: deps.clock.now(),
  })
}

/**
 * The files of the message, downloaded by the channel (its own hosts, the bot's token, the size
 * limit) and re-hosted behind signed, expiring URLs the responder can fetch.
 */
async function passAttachments(turn: Turn, deps: AiBotDeps): Promise<ResponderAttachment[]> {
  if (turn.message.attachments.length === 0) return []
  const { attachments, refused } = await rehostAttachments(
    turn.message.attachments,
    (url, ctx) => turn.bot.channel.download(url, ctx),
    { idempotencyKey: turn.key, log: turn.log, signal: turn.signal },
    deps,
  )
  if (refused.length > 0)
    turn.log.info({ refused: refused.length }, 'attachments not passed to the responder')
  return attachments.map((a) => ({
    name: a.name,
    mediaType: a.mediaType,
    ...(a.sizeBytes !== undefined ? { sizeBytes: a.sizeBytes } : {}),
    url: a.url,
  }))
}

function senderOf(message: IncomingMessage, user: IdentifiedUser) {
  return {
    id: message.sender.remoteId ?? sessionUserId(message.sender),
    ...(user.name ? { displayName: user.name } : {}),
    ...(user.tenantId ? { tenantId: user.tenantId } : {}),
    ...(user.aadObjectId ? { aadObjectId: user.aadObjectId } : {}),
    ...(user.email ? { email: user.email } : {}),
  }
}
