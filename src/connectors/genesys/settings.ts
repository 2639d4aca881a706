import { z } from 'zod'

import { ConfigError } from '../../core/errors.ts'

/** Settings of one `genesys-open-messaging` integration (a DB record; secrets by name). */
export const genesysOpenMessagingSettings = z
  .object({
    /** The Open Messaging integration id (the `{integrationId}` in the inbound paths). */
    openMessagingIntegrationId: z.string().min(1),
    /** e.g. https://login.mypurecloud.com and https://api.mypurecloud.com (region hosts). */
    loginBaseUrl: z.url().default('https://login.mypurecloud.com'),
    apiBaseUrl: z.url().default('https://api.mypurecloud.com'),
    clientId: z.string().min(1),
    clientSecretName: z.string().min(1),
    /** The outbound webhook's secret token (X-Hub-Signature-256 key). */
    webhookSecretName: z.string().min(1),
    /** During a rotation, the previous secret is accepted until this time (ISO 8601). */
    previousWebhookSecretName: z.string().min(1).optional(),
    previousWebhookSecretValidUntil: z.iso.datetime().optional(),
    /** Hosts agent attachments may be downloaded from (suffix match). */
    attachmentHosts: z.array(z.string().min(1)).default(['.mypurecloud.com', '.pure.cloud']),
    /** Open Messaging text limit; longer text is split. */
    maxTextLength: z.number().int().positive().max(4000).default(4000),
  })
  .strict()

export type GenesysOpenMessagingSettings = z.infer<typeof genesysOpenMessagingSettings>

/** The settings of a stored integration; a record that no longer validates is a config error. */
export function genesysSettingsOf(integration: {
  readonly id: string
  readonly settings: unknown
}): GenesysOpenMessagingSettings {
  const result = genesysOpenMessagingSettings.safeParse(integration.settings)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ConfigError(
    `integrations.${integration.id}.settings.${issue?.path.join('.') ?? ''}`,
    issue?.message ?? 'invalid settings',
  )
}
