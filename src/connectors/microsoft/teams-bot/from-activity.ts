import { z } from 'zod'

import type { InboundEnvelope } from '../../../core/events.ts'
import type { IntegrationId } from '../../../core/model/ids.ts'
import type { JsonObject } from '../../../core/model/json.ts'
import { type Activity, tenantOf } from '../botframework/activity.ts'
import { referenceOf } from '../botframework/conversation-reference.ts'
import { activityToEnvelopes, dedupeKeyOf } from '../botframework/from-activity.ts'

const member = z.object({ id: z.string().max(512), aadObjectId: z.string().max(128).optional() })

/**
 * The fields of `conversationUpdate` and `installationUpdate` the event log keeps
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/subscribe-to-conversation-events):
 * ids and what happened, never names or text.
 */
const changeFields = z
  .object({
    action: z.string().max(64).optional(),
    membersAdded: z.array(member).max(1000).optional(),
    membersRemoved: z.array(member).max(1000).optional(),
    channelData: z
      .object({
        eventType: z.string().max(64).optional(),
        team: z
          .object({ id: z.string().max(512) })
          .loose()
          .optional(),
        channel: z
          .object({ id: z.string().max(512) })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose()

const KIND = 'microsoft-teams-bot' as const
const CHANGES = new Set(['conversationUpdate', 'installationUpdate'])

/**
 * One activity to a bot integration as envelopes: a `message` (its text without the bot's own
 * mention and whether it @mentioned the bot (botframework/mentions.ts), its files, the sender's
 * locale) and the conversation
 * changes the event log records. Other types (typing, reactions, invokes) give none; the
 * callback still answers 2xx, as the SDK does for unhandled activities.
 */
export function botActivityToEnvelopes(
  activity: Activity,
  integrationId: IntegrationId,
  receivedAt: Date,
): InboundEnvelope[] {
  if (activity.type === 'message') {
    // Every message is taken in: the flow decides which group messages the bot answers.
    const options = { groupMessages: 'all' as const }
    return activityToEnvelopes(activity, integrationId, receivedAt, options).map((envelope) =>
      envelope.event.type === 'message.created'
        ? {
            ...envelope,
            address: { ...envelope.address, kind: KIND },
            event: {
              ...envelope.event,
              message: {
                ...envelope.event.message,
                ...(localeOf(activity) ? { locale: localeOf(activity) } : {}),
              },
            },
          }
        : envelope,
    )
  }
  if (!CHANGES.has(activity.type)) return []
  const tenantId = tenantOf(activity)
  return [
    {
      dedupeKey: dedupeKeyOf(activity),
      address: {
        kind: KIND,
        integrationId,
        key: activity.conversation.id,
        data: referenceOf(activity, tenantId),
      },
      occurredAt: (activity.timestamp ? new Date(activity.timestamp) : receivedAt).toISOString(),
      event: {
        type: 'conversation.changed',
        activityType: activity.type,
        data: changeData(activity),
      },
    },
  ]
}

const localeOf = (activity: Activity) => {
  const locale = (activity as { locale?: unknown }).locale
  return typeof locale === 'string' && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(locale)
    ? locale
    : undefined
}

function changeData(activity: Activity): JsonObject {
  const fields = changeFields.safeParse(activity)
  const f = fields.success ? fields.data : {}
  const botKey = activity.recipient.id
  const ids = (members: z.infer<typeof member>[] | undefined) =>
    (members ?? []).map((m) => ({
      id: m.id,
      ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
    }))
  const tenantId = tenantOf(activity)
  const data: Record<string, unknown> = {
    conversationId: activity.conversation.id,
    conversationType: activity.conversation.conversationType ?? 'personal',
    by: {
      id: activity.from.id,
      ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
    },
    ...(tenantId ? { tenantId } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.channelData?.eventType ? { eventType: f.channelData.eventType } : {}),
    ...(f.channelData?.team ? { teamId: f.channelData.team.id } : {}),
    ...(f.channelData?.channel ? { channelId: f.channelData.channel.id } : {}),
  }
  if (f.membersAdded) {
    data.membersAdded = ids(f.membersAdded)
    data.botAdded = f.membersAdded.some((m) => m.id === botKey)
  }
  if (f.membersRemoved) {
    data.membersRemoved = ids(f.membersRemoved)
    data.botRemoved = f.membersRemoved.some((m) => m.id === botKey)
  }
  return data as JsonObject
}
