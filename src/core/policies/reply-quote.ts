import type { ReplyQuote } from '../model/message.ts'
import { sanitizeText, truncateText } from './text.ts'

export type ReplyQuoteStrategy = 'quote' | 'strip'

export interface QuoteLimits {
  /** Characters of quoted text kept (default 280). */
  readonly maxChars: number
  /** Quoted lines kept (default 4). */
  readonly maxLines: number
}

const defaultLimits: QuoteLimits = { maxChars: 280, maxLines: 4 }

/**
 * Applies the route's reply-quote strategy for a backend that has no native replies, returning
 * the text to send. `quote` prefixes it with the quoted message as markdown quote lines
 * (`> author: first line`, `> next line`), shortened so a long quote cannot bury the reply;
 * `strip` drops the quote.
 */
export function applyReplyQuote(
  text: string,
  replyTo: ReplyQuote | undefined,
  strategy: ReplyQuoteStrategy,
  limits: Partial<QuoteLimits> = {},
): string {
  if (!replyTo || strategy === 'strip') return text
  const quote = quoteLines(replyTo, { ...defaultLimits, ...limits })
  if (!quote) return text
  return text ? `${quote}\n\n${text}` : quote
}

function quoteLines(replyTo: ReplyQuote, limits: QuoteLimits): string {
  const text = sanitizeText(replyTo.text).trim()
  const author = truncateText(
    sanitizeText(replyTo.author ?? '')
      .replace(/\s+/g, ' ')
      .trim(),
    64,
  )
  if (!text && !author) return ''
  let lines = truncateText(text, limits.maxChars)
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line, index, all) => line !== '' || (index > 0 && all[index - 1] !== ''))
  if (lines.length > limits.maxLines) {
    lines = lines.slice(0, limits.maxLines)
    lines[lines.length - 1] += ' …'
  }
  if (author) lines[0] = lines[0] ? `${author}: ${lines[0]}` : `${author}:`
  return lines.map((line) => (line ? `> ${line}` : '>')).join('\n')
}
