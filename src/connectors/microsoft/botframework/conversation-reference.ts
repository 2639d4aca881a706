import { z } from 'zod'

import type { JsonObject } from '../../../core/model/json.ts'
import type { Activity } from './activity.ts'

/**
 * What a proactive send needs (botbuilder's ConversationReference). Stored as the
 * RemoteAddress `data`; refreshed from every inbound activity because Teams' serviceUrl
 * "tends to be stable but can change".
 */
export const conversationReference = z.object({
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  bot: z.object({ id: z.string().min(1), name: z.string().optional() }),
  user: z.object({
    id: z.string().min(1),
    name: z.string().optional(),
    aadObjectId: z.string().optional(),
  }),
  tenantId: z.string().optional(),
})

export type ConversationReference = z.infer<typeof conversationReference>

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T

export function referenceOf(activity: Activity, tenantId: string | undefined): JsonObject {
  const { conversation, from, recipient } = activity
  const reference: ConversationReference = defined({
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: defined({
      id: conversation.id,
      conversationType: conversation.conversationType,
      tenantId: conversation.tenantId ?? tenantId,
    }),
    bot: defined({ id: recipient.id, name: recipient.name }),
    user: defined({ id: from.id, name: from.name, aadObjectId: from.aadObjectId }),
    tenantId,
  })
  return reference as unknown as JsonObject
}
