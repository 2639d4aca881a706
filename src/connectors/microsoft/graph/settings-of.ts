import { ConfigError } from '../../../core/errors.ts'
import type { Integration } from '../../../core/model/integration.ts'
import { type MicrosoftTeamsSettings, microsoftTeamsSettings } from '../settings.ts'

const cache = new WeakMap<object, MicrosoftTeamsSettings>()

/** The integration's validated settings (parsed once per settings object). */
export function settingsOf(integration: Integration): MicrosoftTeamsSettings {
  const known = cache.get(integration.settings)
  if (known) return known
  const result = microsoftTeamsSettings.safeParse(integration.settings)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new ConfigError(`settings.${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid')
  }
  cache.set(integration.settings, result.data)
  return result.data
}

/** Where the keys signing Graph's validation tokens are published. */
export function validationTokenMetadataUrl(settings: MicrosoftTeamsSettings): string {
  return (
    settings.notifications.validationTokenMetadataUrl ??
    `${settings.authorityHost.replace(/\/+$/, '')}/common/v2.0/.well-known/openid-configuration`
  )
}

/** Graph base URL without a trailing slash. */
export const graphBase = (settings: MicrosoftTeamsSettings) =>
  settings.graphBaseUrl.replace(/\/+$/, '')
