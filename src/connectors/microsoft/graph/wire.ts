import { z } from 'zod'

/**
 * Wire shapes of Microsoft Graph, as documented. Unknown keys are dropped (Graph adds fields
 * without notice); lengths are bounded so a hostile body cannot make us hold huge strings.
 */

const id = z.string().min(1).max(1024)
const text = z.string().max(256 * 1024)

/** https://learn.microsoft.com/graph/api/resources/changenotificationencryptedcontent */
export const encryptedContent = z.object({
  data: z
    .string()
    .min(1)
    .max(8 * 1024 * 1024),
  dataKey: z.string().min(1).max(4096),
  dataSignature: z.string().min(1).max(256),
  encryptionCertificateId: z.string().max(128).nullish(),
  encryptionCertificateThumbprint: z.string().max(256).nullish(),
})

export const lifecycleEvents = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const

/** https://learn.microsoft.com/graph/api/resources/changenotification */
export const changeNotification = z.object({
  id: z.string().max(1024).nullish(),
  subscriptionId: id,
  subscriptionExpirationDateTime: z.string().max(64).nullish(),
  changeType: z.string().max(64).nullish(),
  // 255 on the changeNotification page, 128 on the subscription page: accept the larger.
  clientState: z.string().max(255).nullish(),
  resource: z.string().max(2048).nullish(),
  resourceData: z
    .object({
      id: z.string().max(1024).nullish(),
      '@odata.type': z.string().max(256).nullish(),
      '@odata.id': z.string().max(2048).nullish(),
      '@odata.etag': z.string().max(256).nullish(),
    })
    .nullish(),
  encryptedContent: encryptedContent.nullish(),
  tenantId: z.string().max(256).nullish(),
  lifecycleEvent: z.enum(lifecycleEvents).nullish(),
})

/** https://learn.microsoft.com/graph/api/resources/changenotificationcollection */
export const changeNotificationCollection = z.object({
  value: z.array(changeNotification).min(1).max(1000),
  validationTokens: z
    .array(
      z
        .string()
        .min(1)
        .max(16 * 1024),
    )
    .max(100)
    .nullish(),
})

export type ChangeNotification = z.infer<typeof changeNotification>
export type ChangeNotificationCollection = z.infer<typeof changeNotificationCollection>

const userIdentity = z.object({
  id: z.string().max(256).nullish(),
  displayName: z.string().max(1024).nullish(),
  userIdentityType: z.string().max(64).nullish(),
  tenantId: z.string().max(256).nullish(),
})

const appIdentity = z.object({
  id: z.string().max(256).nullish(),
  displayName: z.string().max(1024).nullish(),
  applicationIdentityType: z.string().max(64).nullish(),
})

const identitySet = z.object({
  user: userIdentity.nullish(),
  application: appIdentity.nullish(),
})

/** https://learn.microsoft.com/graph/api/resources/chatmessage */
export const chatMessage = z.object({
  id,
  etag: z.string().max(256).nullish(),
  messageType: z.string().max(64).nullish(),
  createdDateTime: z.string().max(64).nullish(),
  lastModifiedDateTime: z.string().max(64).nullish(),
  deletedDateTime: z.string().max(64).nullish(),
  chatId: z.string().max(1024).nullish(),
  replyToId: z.string().max(1024).nullish(),
  from: identitySet.nullish(),
  body: z.object({ contentType: z.string().max(16).nullish(), content: text.nullish() }).nullish(),
  attachments: z
    .array(
      z.object({
        id: z.string().max(1024).nullish(),
        contentType: z.string().max(256).nullish(),
        contentUrl: z.string().max(4096).nullish(),
        content: text.nullish(),
        name: z.string().max(1024).nullish(),
      }),
    )
    .max(100)
    .nullish(),
  mentions: z
    .array(
      z.object({
        id: z.number().int(),
        mentionText: z.string().max(1024).nullish(),
        mentioned: identitySet.nullish(),
      }),
    )
    .max(100)
    .nullish(),
})

export type ChatMessage = z.infer<typeof chatMessage>

/** The JSON string inside a `messageReference` attachment (reply with quote). */
export const messageReference = z.object({
  messageId: z.string().max(1024).nullish(),
  messagePreview: z
    .string()
    .max(64 * 1024)
    .nullish(),
  messageSender: identitySet.nullish(),
})

export const chatMessagePage = z.object({
  value: z.array(z.unknown()).max(1000),
  '@odata.nextLink': z.string().max(8192).nullish(),
})

/** https://learn.microsoft.com/graph/api/resources/subscription */
export const subscription = z.object({
  id,
  resource: z.string().max(2048).nullish(),
  notificationUrl: z.string().max(4096).nullish(),
  expirationDateTime: z.string().max(64),
})

export const subscriptionPage = z.object({
  value: z.array(subscription).max(10_000),
  '@odata.nextLink': z.string().max(8192).nullish(),
})

export type GraphSubscription = z.infer<typeof subscription>
