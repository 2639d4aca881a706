import { z } from 'zod'

/**
 * Settings of one `microsoft-teams` integration (a DB record). Secret values are never here:
 * `*SecretName` fields name a secret in the SecretSource. Base URLs are configurable so the
 * emulators can stand in for Microsoft.
 */
export const microsoftTeamsSettings = z
  .object({
    /** Entra tenant the app is registered in (the customers' or partners' tenant for Graph). */
    tenantId: z.string().min(1),
    /** Entra app registration (client) id used for Graph application calls. */
    clientId: z.string().min(1),
    clientSecretName: z.string().min(1),
    authorityHost: z.url().default('https://login.microsoftonline.com'),
    graphBaseUrl: z.url().default('https://graph.microsoft.com/v1.0'),
    /** How agent replies reach Teams. */
    sendAs: z.enum(['bot', 'service-account']).default('bot'),
    bot: z
      .object({
        appId: z.string().min(1),
        appPasswordName: z.string().min(1),
        /** Single-tenant bots get tokens from their tenant; multi-tenant from botframework.com. */
        tenantId: z.string().min(1).optional(),
        /** Bot Framework OpenID metadata (inbound JWT validation). */
        openIdMetadataUrl: z
          .url()
          .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
        /** Where outbound tokens come from when no tenantId is set. */
        tokenAuthorityTenant: z.string().default('botframework.com'),
        /**
         * Connector hosts trusted besides Microsoft's (`host` exact, `.suffix` for subdomains):
         * the bot token is only ever sent to these, whatever serviceUrl a reference holds.
         */
        serviceUrlHosts: z.array(z.string().min(1)).default([]),
        /**
         * Group chats and channels: take in only messages that @mention the bot (`mentioned`), or
         * all of them (`all`; Teams delivers those only with resource-specific consent).
         */
        groupMessages: z.enum(['mentioned', 'all']).default('mentioned'),
      })
      .strict()
      .optional(),
    serviceAccount: z
      .object({
        /** Entra object id of the account the bridge posts as (loop guard drops its messages). */
        userId: z.string().min(1),
        /** Secret name under which the encrypted refresh token is kept after login. */
        refreshTokenName: z.string().min(1),
        redirectUri: z.url().optional(),
      })
      .strict()
      .optional(),
    notifications: z
      .object({
        clientStateName: z.string().min(1),
        /** Rich notifications carry the message encrypted: no fetch needed. */
        includeResourceData: z.boolean().default(false),
        /** Base64 DER X.509 certificate Graph encrypts with; its private key is a secret. */
        encryptionCertificate: z.string().optional(),
        encryptionCertificateId: z.string().optional(),
        encryptionPrivateKeyName: z.string().optional(),
        /** Per-chat subscriptions for these chat ids. */
        chatIds: z.array(z.string().min(1)).default([]),
        /** One tenant-wide `/chats/getAllMessages` subscription (metered by Microsoft). */
        tenantWide: z.boolean().default(false),
        /**
         * OpenID metadata whose keys sign the `validationTokens` of rich notifications; default
         * `{authorityHost}/common/v2.0/.well-known/openid-configuration` (the metadata Graph's
         * own C# sample uses in change-notifications-with-resource-data).
         */
        validationTokenMetadataUrl: z.url().optional(),
        /** chatMessage subscriptions may last up to 4320 minutes when a lifecycle URL is set. */
        subscriptionLifetimeMinutes: z.number().int().min(10).max(4320).default(4320),
        /** Renew this long before expiry. */
        renewBeforeMs: z
          .number()
          .int()
          .positive()
          .default(15 * 60 * 1000),
      })
      .strict(),
    /** Hosts attachments may be downloaded from (suffix match); Microsoft's by default. */
    attachmentHosts: z
      .array(z.string().min(1))
      .default([
        'graph.microsoft.com',
        '.sharepoint.com',
        '.teams.microsoft.com',
        '.asm.skype.com',
      ]),
    /** How a quoted reply in Teams reaches the backend. */
    replyQuote: z.enum(['quote', 'strip']).default('quote'),
  })
  .strict()

export type MicrosoftTeamsSettings = z.infer<typeof microsoftTeamsSettings>
