import type { ConnectorDeps } from '../../shared/deps.ts'
import type { HttpAuth } from '../../shared/http.ts'
import { safeDownload } from '../../shared/safe-download.ts'
import { MICROSOFT_CONNECTOR_HOSTS } from '../botframework/service-url.ts'

/**
 * Where Teams puts the files users send a bot: personal-chat files behind a pre-authenticated
 * OneDrive/SharePoint `downloadUrl` (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4)
 * and pasted images on the Bot Connector (`contentUrl`, read with the bot token). Nothing else
 * is fetched.
 */
export const BOT_FILE_HOSTS: readonly string[] = [
  ...MICROSOFT_CONNECTOR_HOSTS,
  '.sharepoint.com',
  '.sharepoint.us',
  '.asm.skype.com',
]

const hostMatches = (hostname: string, pattern: string) =>
  pattern.startsWith('.') ? hostname.endsWith(pattern) : hostname === pattern

/**
 * Downloads one file under the SSRF policy (https, Microsoft hosts, no private addresses unless
 * trusted, no redirects, at most `maxBytes`). The bot token goes only to Bot Connector hosts,
 * which need it; OneDrive's pre-authenticated links get no credentials.
 */
export async function downloadBotFile(
  deps: Pick<ConnectorDeps, 'metrics' | 'log' | 'trustedHosts'>,
  auth: HttpAuth,
  url: string,
  options: { readonly maxBytes: number; readonly signal?: AbortSignal },
): Promise<{ data: Uint8Array; mediaType: string }> {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  const hostname = parsed?.hostname.toLowerCase() ?? ''
  const withToken =
    MICROSOFT_CONNECTOR_HOSTS.some((p) => hostMatches(hostname, p)) ||
    (!!parsed && (deps.trustedHosts ?? []).includes(parsed.host))
  const file = await safeDownload({ metrics: deps.metrics, log: deps.log }, url, {
    allowedHosts: BOT_FILE_HOSTS,
    trustedPrivateHosts: deps.trustedHosts ?? [],
    maxBytes: options.maxBytes,
    ...(withToken ? { auth } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  return { data: file.data, mediaType: file.mediaType }
}
