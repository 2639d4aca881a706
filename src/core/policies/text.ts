/**
 * Text hygiene for remote text that reaches another remote: no control characters, one newline
 * convention, no bidi overrides (they can make a message read differently from what it says,
 * CVE-2021-42574 "Trojan Source"), and splitting for remotes with a length limit.
 */

// C0 controls except \t (09) and \n (0A), DEL, and C1 controls. \r is handled before this runs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g
// Bidi embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI).
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g
const NEWLINES = /\r\n?|[\u2028\u2029]/g

/**
 * Removes control characters except \n and \t, normalizes \r\n, \r, U+2028 and U+2029 to \n,
 * strips bidi overrides, and replaces lone surrogates with U+FFFD (they are not valid UTF-8).
 */
export function sanitizeText(text: string): string {
  return text.toWellFormed().replace(NEWLINES, '\n').replace(CONTROL, '').replace(BIDI_CONTROL, '')
}

/** Truncates to at most `maxLength` UTF-16 units, never inside a surrogate pair, ending in `…`. */
export function truncateText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text
  if (maxLength < 1) return ''
  return text.slice(0, safeCut(text, maxLength - 1)) + '…'
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff

/** The largest cut position ≤ `at` that does not separate a surrogate pair. */
function safeCut(text: string, at: number): number {
  return at > 0 && isHighSurrogate(text.charCodeAt(at - 1)) ? at - 1 : at
}

/** The end (exclusive) of the last `separator` that ends within `window` at or after `min`. */
function lastBoundary(window: string, separator: RegExp, min: number): number {
  let best = -1
  for (const match of window.matchAll(separator)) {
    const end = match.index + match[0].length
    if (end >= min && end <= window.length) best = end
  }
  return best
}

/** Where to cut `text` so the first part is ≤ maxLength: paragraph, then line, then word. */
function cutPosition(text: string, maxLength: number): number {
  const window = text.slice(0, maxLength)
  // Cutting far before the limit at a paragraph would leave many tiny parts: prefer the
  // paragraph or line break only when it keeps at least half of the window.
  const half = Math.ceil(maxLength / 2)
  for (const [separator, min] of [
    [/\n{2,}/g, half],
    [/\n/g, half],
    [/[ \t]+/g, 1],
  ] as const) {
    const at = lastBoundary(window, separator, min)
    if (at > 0) return at
  }
  return safeCut(text, maxLength)
}

/**
 * Splits `text` into parts of at most `maxLength` UTF-16 units, preferring paragraph, line and
 * word boundaries, never inside a surrogate pair. `parts.join('') === text`: separators stay at
 * the end of the part they follow, so nothing is lost or added. Empty text gives no parts.
 */
export function splitText(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 2) {
    throw new RangeError('maxLength must be an integer ≥ 2 (a surrogate pair needs two units)')
  }
  const parts: string[] = []
  let rest = text
  while (rest.length > maxLength) {
    const at = cutPosition(rest, maxLength)
    parts.push(rest.slice(0, at))
    rest = rest.slice(at)
  }
  if (rest.length > 0) parts.push(rest)
  return parts
}
