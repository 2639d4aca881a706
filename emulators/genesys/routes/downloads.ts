import type { FastifyInstance } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import { sendError } from './errors.ts'
import { failIfFaulted } from './guard.ts'

/**
 * Agent attachments, like `https://api-downloads.{domain}/api/v2/downloads/<id>` in real webhooks
 * (research §3.2). Whether Genesys requires a token for these is not documented; the emulator serves
 * them without one, so the bridge must not send its bearer token to attachment hosts.
 */
export function registerDownloadRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/api/v2/downloads/:downloadId', async (req, reply) => {
    if (await failIfFaulted(ctx, 'genesys.downloads', reply)) return
    const { downloadId } = req.params as { downloadId: string }
    const download = ctx.state.downloads.get(downloadId)
    if (!download) return sendError(reply, 404)
    await reply
      .header('content-type', download.mime)
      .header(
        'content-disposition',
        `attachment; filename="${download.filename.replace(/"/g, '')}"`,
      )
      .send(download.bytes)
  })
}
