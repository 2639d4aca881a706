import type { SendContext } from '../../../core/ports/connector.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { type Downloaded, safeDownload } from '../../shared/safe-download.ts'
import type { GenesysOpenMessagingSettings } from '../settings.ts'

/**
 * Fetches an agent attachment from the URL in the outbound webhook
 * (`https://api-downloads.{domain}/api/v2/downloads/<id>` in real captures) under the download
 * policy: https, hosts from `attachmentHosts` only, no private addresses, no redirects, at most
 * `maxBytes`. No bearer token is sent: the URL is what Genesys handed to the middleware, and a
 * token must never reach a host because a webhook named it.
 */
export function downloadAgentAttachment(
  url: string,
  ctx: SendContext & { maxBytes: number },
  settings: Pick<GenesysOpenMessagingSettings, 'attachmentHosts'>,
  deps: Pick<ConnectorDeps, 'metrics' | 'trustedHosts'>,
): Promise<Downloaded> {
  return safeDownload({ metrics: deps.metrics, log: ctx.log }, url, {
    allowedHosts: settings.attachmentHosts,
    trustedPrivateHosts: deps.trustedHosts ?? [],
    maxBytes: ctx.maxBytes,
    ...(ctx.signal && { signal: ctx.signal }),
  })
}
