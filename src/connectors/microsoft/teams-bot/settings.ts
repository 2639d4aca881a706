import { z } from 'zod'

export const DAY_MS = 24 * 60 * 60 * 1000
/** "At most a month": the longest month. */
export const MAX_SESSION_MS = 31 * DAY_MS

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const domain = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i

/**
 * Who may talk to the bot, one entry each: an Entra object id (GUID), a UPN or e-mail address
 * (`ana@contoso.com`), every address of a domain (`@contoso.com`) or a whole tenant
 * (`tenant:<GUID>`). Absent: everyone.
 */
export const allowFromEntry = z
  .string()
  .max(256)
  .regex(
    /^(tenant:[0-9a-f-]{36}|[0-9a-f-]{36}|[^@\s]+@[^@\s]+|@[^@\s]+)$/i,
    'expected an object id, user@domain, @domain or tenant:<tenant id>',
  )

/**
 * Settings of a `microsoft-teams-bot` integration: a Teams bot (Azure Bot registration) whose
 * conversations a responder answers. The app secret is a SecretStore name here; the tenant id
 * is kept as a setting but, like the secret, never shown by the API.
 */
export const teamsBotSettings = z
  .object({
    /** Which responder answers (a name the bot flow resolves). */
    responder: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][\w.:-]*$/, 'letters, digits and . _ : -'),
    /** The Azure Bot's Microsoft App ID. */
    appId: z.string().regex(guid, 'expected the app (client) id, a GUID').optional(),
    appSecretName: z.string().min(1).max(200).optional(),
    /** Single-tenant bots: their tenant (GUID or domain). Absent: multi-tenant (botframework.com). */
    tenantId: z
      .string()
      .regex(guid, 'expected a tenant id (GUID) or domain')
      .or(z.string().regex(domain, 'expected a tenant id (GUID) or domain'))
      .optional(),
    /** How long a conversation keeps its context after the last message (default one day). */
    sessionDurationMs: z.number().int().min(60_000).max(MAX_SESSION_MS).default(DAY_MS),
    /** Answers stream into Teams as they are written (1:1 chats; others get the whole answer). */
    stream: z.boolean().default(true),
    /** The informative update a streamed answer starts with (Teams: at most 1000 characters). */
    informativeText: z.string().min(1).max(1000).default('Thinking…'),
    /**
     * Group chats and channels: answer only messages that @mention the bot (`mentioned`), or all
     * of them (`all`; Teams delivers those only with resource-specific consent).
     */
    groupMessages: z.enum(['mentioned', 'all']).default('mentioned'),
    /** Record who talked to the bot as contacts. */
    contactCollection: z.boolean().default(false),
    /** Pass files users send on to the responder. */
    attachments: z.boolean().default(false),
    allowFrom: z.array(allowFromEntry).min(1).max(100).optional(),
    /** Entra authority host (the sandbox points it at the identity emulator). */
    authorityHost: z.url({ protocol: /^https$/ }).default('https://login.microsoftonline.com'),
    /** Bot Framework OpenID metadata, for verifying inbound activities. */
    openIdMetadataUrl: z
      .url()
      .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
    /** Connector hosts trusted besides Microsoft's (`host`, or `.suffix` for subdomains). */
    serviceUrlHosts: z.array(z.string().min(1).max(253)).max(20).default([]),
  })
  .strict()

export type TeamsBotSettings = z.infer<typeof teamsBotSettings>

/** Bot Framework tokens: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default'

/** Multi-tenant bots get tokens from the botframework.com tenant, single-tenant ones from theirs. */
export const botTokenTenant = (settings: Pick<TeamsBotSettings, 'tenantId'>) =>
  settings.tenantId ?? 'botframework.com'
