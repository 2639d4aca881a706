import type { BlobStore } from '../../core/ports/blob-store.ts'

export interface BlobResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array | string
}

/**
 * Answers `GET {publicUrl}/{key}?exp=…&sig=…` without any HTTP framework, so the HTTP layer
 * only mounts it. Always a download (attachment, nosniff, sandboxing CSP): a stored HTML or
 * SVG file must never run in the bridge's origin.
 */
export async function serveBlob(
  store: BlobStore,
  key: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<BlobResponse> {
  const exp = Number(query.exp)
  const sig = query.sig ?? ''
  if (!query.exp || !/^\d+$/.test(query.exp) || !store.verify(key, exp, sig)) {
    return problem(403, 'FORBIDDEN', 'The link is invalid or has expired')
  }
  const blob = await store.get(key)
  if (!blob) return problem(404, 'NOT_FOUND', 'The file no longer exists')
  return {
    status: 200,
    headers: {
      'content-type': blob.meta.mediaType,
      'content-length': String(blob.data.byteLength),
      'content-disposition': contentDisposition(blob.meta.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    },
    body: blob.data,
  }
}

/** RFC 6266 attachment with an ASCII fallback and the UTF-8 name per RFC 8187. */
export function contentDisposition(name: string): string {
  const cleaned = name.replace(/\p{Cc}/gu, '').trim() || 'download'
  const ascii = cleaned.replace(/[^\x20-\x7e]|["\\%;]/g, '_')
  const encoded = encodeURIComponent(cleaned).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

function problem(status: number, code: string, title: string): BlobResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify({ type: 'about:blank', title, status, code }),
  }
}
