import { z } from 'zod'

import { InvalidInputError } from '../../../core/errors.ts'

/**
 * The parts of a Bot Framework Activity the bridge reads
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object).
 * Strict on what routing and auth depend on, loose elsewhere: Teams adds fields over time.
 */
const channelAccount = z
  .object({
    id: z.string().min(1).max(512),
    name: z.string().max(512).optional(),
    aadObjectId: z.string().max(128).optional(),
    role: z.string().optional(),
  })
  .loose()

const conversationAccount = z
  .object({
    id: z.string().min(1).max(1024),
    name: z.string().max(512).optional(),
    conversationType: z.string().max(64).optional(),
    isGroup: z.boolean().optional(),
    tenantId: z.string().max(128).optional(),
  })
  .loose()

const attachment = z
  .object({
    contentType: z.string().max(256),
    contentUrl: z.string().max(4096).optional(),
    content: z.unknown().optional(),
    name: z.string().max(1024).optional(),
  })
  .loose()

const entity = z.object({ type: z.string() }).loose()

export const mentionEntity = z
  .object({
    type: z.literal('mention'),
    mentioned: channelAccount,
    text: z.string().max(4096).optional(),
  })
  .loose()

export const activitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().min(1).max(512),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    serviceUrl: z.url().max(2048),
    channelId: z.string().min(1).max(64),
    from: channelAccount,
    conversation: conversationAccount,
    recipient: channelAccount,
    textFormat: z.string().optional(),
    text: z
      .string()
      .max(256 * 1024)
      .optional(),
    attachments: z.array(attachment).max(100).optional(),
    entities: z.array(entity).max(100).optional(),
    replyToId: z.string().max(512).optional(),
    channelData: z
      .object({
        tenant: z
          .object({ id: z.string().max(128) })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
  })
  .loose()

export type Activity = z.infer<typeof activitySchema>

/** A messaging endpoint's body as an Activity; not JSON or malformed → InvalidInputError (400). */
export function parseActivity(rawBody: Buffer): Activity {
  let json: unknown
  try {
    json = JSON.parse(rawBody.toString('utf8'))
  } catch {
    throw new InvalidInputError('activity is not JSON')
  }
  const parsed = activitySchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new InvalidInputError('activity is malformed', {
      details: { path: issue?.path.join('.') ?? '', problem: issue?.message ?? 'invalid' },
    })
  }
  return parsed.data
}
export type ChannelAccount = z.infer<typeof channelAccount>
export type ActivityAttachment = z.infer<typeof attachment>
export type MentionEntity = z.infer<typeof mentionEntity>

/** The tenant an activity belongs to; `channelData.tenant.id` is "passed in all contexts". */
export const tenantOf = (activity: Activity): string | undefined =>
  activity.channelData?.tenant?.id ?? activity.conversation.tenantId
