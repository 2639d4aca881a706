import { randomBytes } from 'node:crypto'

import { newGuid } from './ids.ts'

export interface DriveFile {
  /** The GUID from the driveItem eTag; Teams uses it as the reference attachment id. */
  readonly eTagGuid: string
  readonly itemId: string
  readonly name: string
  readonly webUrl: string
  readonly bytes: Buffer
  readonly mimeType: string
  readonly createdDateTime: string
  /** Opaque token of the pre-authenticated download URL. */
  readonly downloadToken: string
}

/**
 * Files users shared in Teams. Chat files live in the sender's OneDrive under "Microsoft Teams
 * Chat Files"; the reference attachment's contentUrl is the file's webUrl
 * (https://learn.microsoft.com/graph/api/chatmessage-post, example "file attachment").
 */
export class Drive {
  readonly #byUrl = new Map<string, DriveFile>()
  readonly #byToken = new Map<string, DriveFile>()
  readonly #host: string

  constructor(sharePointHost: string) {
    this.#host = sharePointHost
  }

  /** Stores a file in the sender's OneDrive and returns it with its webUrl. */
  upload(input: {
    ownerUpn: string
    name: string
    bytes: Buffer
    mimeType: string
    now: Date
  }): DriveFile {
    const personal = input.ownerUpn.toLowerCase().replace(/[@.]/g, '_')
    const webUrl = `https://${this.#host}-my.sharepoint.com/personal/${personal}/Documents/Microsoft%20Teams%20Chat%20Files/${encodeURIComponent(input.name)}`
    const file: DriveFile = {
      eTagGuid: newGuid().toUpperCase(),
      itemId: `01${randomBytes(16).toString('hex').toUpperCase().slice(0, 32)}`,
      name: input.name,
      webUrl,
      bytes: input.bytes,
      mimeType: input.mimeType,
      createdDateTime: input.now.toISOString(),
      downloadToken: randomBytes(24).toString('base64url'),
    }
    this.#byUrl.set(webUrl, file)
    this.#byToken.set(file.downloadToken, file)
    return file
  }

  /** Resolves a sharing id: `u!` + unpadded base64url of the URL (https://learn.microsoft.com/graph/api/shares-get). */
  findByShareId(shareId: string): DriveFile | undefined {
    if (!shareId.startsWith('u!')) return undefined
    const url = Buffer.from(shareId.slice(2), 'base64url').toString('utf8')
    return this.#byUrl.get(url)
  }

  findByDownloadToken(token: string): DriveFile | undefined {
    return this.#byToken.get(token)
  }
}

export const shareIdFor = (url: string): string =>
  `u!${Buffer.from(url, 'utf8').toString('base64url')}`
