import { z } from 'zod'

import { PolicyRefusedError, RemoteRejectedError } from '../../../core/errors.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import { checkTarget } from '../../shared/download-target.ts'
import type { HttpAuth, HttpClient } from '../../shared/http.ts'
import { safeDownload } from '../../shared/safe-download.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { graphRateKey } from './ids.ts'
import { graphBase } from './settings-of.ts'

export interface GraphDownloadDeps extends Pick<ConnectorDeps, 'metrics' | 'log' | 'trustedHosts'> {
  readonly http: HttpClient
  readonly appAuth: HttpAuth
}

const driveItem = z.object({ '@microsoft.graph.downloadUrl': z.string().min(1).max(8192) })

/**
 * Fetches a Teams attachment under the integration's `attachmentHosts` policy:
 * - inline images (`{graph}/.../hostedContents/{id}/$value`) with the app token, which is only
 *   ever sent to Graph's own origin;
 * - files behind `reference` attachments (SharePoint/OneDrive web URLs, which a Graph token
 *   cannot open) through `GET /shares/u!{base64url(url)}/driveItem`, whose pre-authenticated
 *   `@microsoft.graph.downloadUrl` is then fetched without credentials
 *   (https://learn.microsoft.com/graph/api/shares-get#encoding-sharing-urls).
 */
export async function downloadAttachment(
  settings: MicrosoftTeamsSettings,
  deps: GraphDownloadDeps,
  url: string,
  options: { readonly maxBytes: number; readonly signal?: AbortSignal },
): Promise<{ data: Uint8Array; mediaType: string }> {
  const policy = {
    allowedHosts: settings.attachmentHosts,
    trustedPrivateHosts: deps.trustedHosts ?? [],
  }
  const target = checkTarget(url, policy).url
  const base = graphBase(settings)
  const download = (from: string, auth?: HttpAuth) =>
    safeDownload({ metrics: deps.metrics, log: deps.log }, from, {
      ...policy,
      maxBytes: options.maxBytes,
      ...(auth ? { auth } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    })

  if (target.origin === new URL(base).origin) {
    if (!target.pathname.includes('/hostedContents/')) {
      throw new PolicyRefusedError('only hosted contents are downloaded from Graph')
    }
    return download(target.href, deps.appAuth)
  }
  const res = await deps.http.request({
    method: 'GET',
    url: `${base}/shares/${shareId(target.href)}/driveItem`,
    auth: deps.appAuth,
    rateKey: graphRateKey(settings.clientId, settings.tenantId),
    idempotent: true,
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const item = driveItem.safeParse(res.json())
  if (!item.success) throw new RemoteRejectedError('the shared file has no download URL')
  return download(item.data['@microsoft.graph.downloadUrl'])
}

/** "u!" + unpadded base64url of the sharing URL. */
export const shareId = (url: string) => `u!${Buffer.from(url, 'utf8').toString('base64url')}`
