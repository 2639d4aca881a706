export interface BlobMeta {
  readonly name: string
  readonly mediaType: string
  readonly sizeBytes: number
}

export interface StoredBlob {
  readonly key: string
  readonly meta: BlobMeta
}

export interface BlobStore {
  put(data: Uint8Array, meta: Omit<BlobMeta, 'sizeBytes'>): Promise<StoredBlob>
  get(key: string): Promise<{ readonly data: Uint8Array; readonly meta: BlobMeta } | undefined>
  /** An absolute URL that serves the blob until `ttlMs` from now, signed with HMAC. */
  signedUrl(key: string, ttlMs: number): string
  /** Checks a signed URL's parameters; false when forged or expired. */
  verify(key: string, expiresAtMs: number, signature: string): boolean
  delete(key: string): Promise<void>
  /**
   * Deletes up to `limit` blobs stored before `cutoff` (with their metadata, and leftovers of
   * interrupted writes as old) and returns how many went: fewer than `limit` once nothing that
   * old is left. Each call does a bounded amount of deleting, so callers loop for more.
   */
  purgeOlderThan(cutoff: Date, limit: number): Promise<number>
}
