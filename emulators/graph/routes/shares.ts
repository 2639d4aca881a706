import type { FastifyInstance } from 'fastify'

import type { DriveFile } from '../state/drive.ts'
import type { GraphContext } from './context.ts'
import { notFound } from './graph-error.ts'

function driveItemJson(ctx: GraphContext, file: DriveFile): Record<string, unknown> {
  return {
    '@odata.context': `${ctx.baseUrl()}/$metadata#shares('u')/driveItem/$entity`,
    '@microsoft.graph.downloadUrl': downloadUrl(ctx, file),
    createdDateTime: file.createdDateTime,
    eTag: `"{${file.eTagGuid}},1"`,
    id: file.itemId,
    lastModifiedDateTime: file.createdDateTime,
    name: file.name,
    webUrl: file.webUrl,
    cTag: `"c:{${file.eTagGuid}},1"`,
    size: file.bytes.length,
    file: { mimeType: file.mimeType },
  }
}

/** Pre-authenticated like SharePoint's: no bearer token, short opaque token in the URL. */
const downloadUrl = (ctx: GraphContext, file: DriveFile) =>
  `${ctx.origin()}/_download/${file.downloadToken}`

/**
 * Files behind reference attachments, reached by sharing URL
 * (https://learn.microsoft.com/graph/api/shares-get): `GET /shares/{u!…}/driveItem` and
 * `…/driveItem/content` (302 to the download URL, as OneDrive answers).
 */
export function registerShareRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  // Sharing ids are long: a wildcard avoids the router's parameter length limit.
  scope.get<{ Params: { '*': string } }>(
    '/shares/*',
    { config: { graphRoute: 'shares.driveItem' } },
    async (req, reply) => {
      const match = /^([^/]+)\/driveItem(\/content)?$/.exec(req.params['*'])
      const file = match ? ctx.drive.findByShareId(decodeURIComponent(match[1]!)) : undefined
      if (!match || !file)
        throw notFound(
          'The sharing link no longer exists, or you do not have permission to access it.',
          'itemNotFound',
        )
      if (match[2]) return reply.code(302).header('location', downloadUrl(ctx, file)).send()
      return driveItemJson(ctx, file)
    },
  )
}

/** The unauthenticated download endpoint (outside /v1.0, like *.sharepoint.com download URLs). */
export function registerDownloadRoute(app: FastifyInstance, ctx: GraphContext): void {
  app.get<{ Params: { token: string } }>('/_download/:token', async (req, reply) => {
    const file = ctx.drive.findByDownloadToken(req.params.token)
    if (!file) return reply.code(404).send()
    return reply
      .type(file.mimeType)
      .header('content-disposition', `attachment; filename="${encodeURIComponent(file.name)}"`)
      .send(file.bytes)
  })
}
