import { randomBytes, randomUUID } from 'node:crypto'

import type { FastifyInstance } from 'fastify'

import type { FaultInjector } from '../kit/faults.ts'
import { applyFault } from '../kit/server.ts'
import type { TeamsUser } from './state.ts'

/** A file a Teams user attaches in a 1:1 chat with a bot. */
export interface UserFileInput {
  readonly name: string
  /** The bytes (over HTTP: `contentBase64`). */
  readonly content?: Buffer
  readonly contentBase64?: string
  readonly contentType?: string
}

interface StoredFile {
  readonly name: string
  readonly bytes: Buffer
  readonly contentType: string
}

/** Teams' personal-chat file attachment (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4). */
export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info'

/**
 * Files users attached, served at `{origin}/_files/{token}` without authentication: the real
 * `downloadUrl` is a pre-authenticated OneDrive link the bot fetches without its token.
 */
export class UserFiles {
  readonly #files = new Map<string, StoredFile>()

  /**
   * The attachment Teams puts on the message: `contentUrl` is the file in the sender's
   * OneDrive ("Microsoft Teams Chat Files"), `content.downloadUrl` the link that works.
   */
  attach(origin: string, user: TeamsUser, file: UserFileInput): Record<string, unknown> {
    const bytes = file.content ?? Buffer.from(file.contentBase64 ?? '', 'base64')
    const token = randomBytes(18).toString('base64url')
    this.#files.set(token, {
      name: file.name,
      bytes,
      contentType: file.contentType ?? 'application/octet-stream',
    })
    const upn = (user.userPrincipalName ?? `${user.aadObjectId}@contoso.example`).toLowerCase()
    const personal = upn.replace(/[@.]/g, '_')
    return {
      contentType: FILE_DOWNLOAD_INFO,
      contentUrl: `https://contoso-my.sharepoint.com/personal/${personal}/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(file.name)}`,
      name: file.name,
      content: {
        downloadUrl: `${origin}/_files/${token}`,
        uniqueId: randomUUID().toUpperCase(),
        fileType: file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '',
        etag: String(bytes.length),
      },
    }
  }

  /** `GET /_files/{token}` (fault route `botframework.fileDownload`). */
  register(app: FastifyInstance, faults: FaultInjector): void {
    app.get('/_files/:token', async (req, reply) => {
      if (await applyFault(faults, 'botframework.fileDownload', reply)) return reply
      const file = this.#files.get((req.params as { token: string }).token)
      if (!file) return reply.code(404).send({ error: { code: 'itemNotFound' } })
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(file.name)}"`)
        .send(file.bytes)
    })
  }
}
