const MAX_BYTES = 255
const RESERVED = /[<>:"/\\|?*]/g
// Bidirectional overrides can disguise `exe.pdf` as `fdp.exe`.
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i

/**
 * A file name that is safe on every common file system and in a download: no folders, no
 * control, bidi or reserved characters, no leading/trailing dots or spaces, no Windows device
 * names, at most 255 UTF-8 bytes with the extension kept.
 */
export function safeFileName(name: string | undefined, fallback = 'attachment'): string {
  const base = (name ?? '').split(/[/\\]/).filter(Boolean).pop() ?? ''
  let cleaned = base
    .normalize('NFC')
    .replace(/\p{Cc}/gu, '')
    .replace(BIDI, '')
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '')
  if (!cleaned || /^_+$/.test(cleaned)) cleaned = fallback
  if (WINDOWS_DEVICE.test(cleaned)) cleaned = `_${cleaned}`
  return truncateKeepingExtension(cleaned, MAX_BYTES)
}

function truncateKeepingExtension(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name
  const dot = name.lastIndexOf('.')
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : ''
  const stem = ext ? name.slice(0, dot) : name
  return truncateBytes(stem, maxBytes - Buffer.byteLength(ext)) + ext
}

/** Cuts on code point boundaries so no character is split. */
function truncateBytes(text: string, maxBytes: number): string {
  let out = ''
  let bytes = 0
  for (const char of text) {
    const size = Buffer.byteLength(char)
    if (bytes + size > maxBytes) break
    out += char
    bytes += size
  }
  return out
}
