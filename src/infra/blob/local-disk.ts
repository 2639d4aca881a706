import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { InvalidInputError } from '../../core/errors.ts'
import type { BlobMeta, BlobStore, StoredBlob } from '../../core/ports/blob-store.ts'
import type { Clock } from '../../core/ports/clock.ts'
import { BLOB_KEY, signBlob, verifyBlobSignature } from './blob-signature.ts'
import { purgeOldBlobs } from './purge-old.ts'
import { unlessMissing } from './unless-missing.ts'

export { type BlobResponse, contentDisposition, serveBlob } from './serve-blob.ts'

export interface LocalBlobStoreOptions {
  /** Folder that holds the blobs (created when missing). */
  readonly dir: string
  /** Where the HTTP layer serves blobs, e.g. `http://host:port/blobs` (no trailing slash). */
  readonly publicUrl: string
  /** HMAC key for signed URLs (at least 32 random bytes). */
  readonly signingKey: Buffer
  readonly clock: Clock
}

const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/
const FALLBACK_MEDIA_TYPE = 'application/octet-stream'

/**
 * Blobs on local disk under random 128-bit hex keys, in two-character fan-out folders, each
 * with a JSON metadata sidecar. Files are written to a temporary name and renamed, data before
 * metadata, so a crash never leaves a blob that reads back half-written. Retention purges blobs
 * by the age of their data file (its mtime): nothing else records when a blob was stored.
 */
export function createLocalBlobStore(options: LocalBlobStoreOptions): BlobStore {
  if (options.signingKey.length < 32) {
    throw new RangeError('blob signing key must be at least 32 bytes')
  }
  const signingKey = Buffer.from(options.signingKey)
  const publicUrl = options.publicUrl.replace(/\/+$/, '')
  const pathsOf = (key: string) => {
    const folder = join(options.dir, key.slice(0, 2))
    return { folder, data: join(folder, key), meta: join(folder, `${key}.json`) }
  }
  /** The fan-out folder where the last purge reached its limit: the next one starts there. */
  let resumeIn: string | undefined

  return {
    async put(data, input) {
      const key = randomBytes(16).toString('hex')
      const meta: BlobMeta = {
        name: input.name,
        mediaType: normalizeMediaType(input.mediaType),
        sizeBytes: data.byteLength,
      }
      const paths = pathsOf(key)
      await mkdir(paths.folder, { recursive: true })
      await writeAtomically(paths.data, data)
      await writeAtomically(paths.meta, JSON.stringify(meta))
      return { key, meta } satisfies StoredBlob
    },

    async get(key) {
      if (!BLOB_KEY.test(key)) return undefined
      const paths = pathsOf(key)
      const metaBytes = await unlessMissing(readFile(paths.meta))
      const data = metaBytes && (await unlessMissing(readFile(paths.data)))
      if (!metaBytes || !data) return undefined
      return {
        data: new Uint8Array(data),
        meta: JSON.parse(metaBytes.toString('utf8')) as BlobMeta,
      }
    },

    signedUrl(key, ttlMs) {
      if (!BLOB_KEY.test(key)) throw new InvalidInputError('not a blob key')
      const exp = options.clock.nowMs() + Math.max(0, Math.floor(ttlMs))
      const sig = signBlob(signingKey, key, exp)
      return `${publicUrl}/${key}?exp=${exp}&sig=${sig}`
    },

    verify(key, expiresAtMs, signature) {
      return verifyBlobSignature(signingKey, key, expiresAtMs, signature, options.clock.nowMs())
    },

    async delete(key) {
      if (!BLOB_KEY.test(key)) return
      const paths = pathsOf(key)
      await rm(paths.meta, { force: true })
      await rm(paths.data, { force: true })
    },

    async purgeOlderThan(cutoff, limit) {
      const pass = await purgeOldBlobs(options.dir, cutoff.getTime(), limit, resumeIn)
      resumeIn = pass.stoppedIn
      return pass.removed
    },
  }
}

function normalizeMediaType(mediaType: string): string {
  const essence = mediaType.split(';')[0]!.trim().toLowerCase()
  return MEDIA_TYPE.test(essence) ? essence : FALLBACK_MEDIA_TYPE
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, data)
  await rename(temp, path)
}
