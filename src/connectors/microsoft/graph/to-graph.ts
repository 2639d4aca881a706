import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

import type { Attachment, MessageContent, ReplyQuote } from '../../../core/model/message.ts'
import { stripControl } from './teams-html.ts'

/** The body of `POST /chats/{id}/messages` (https://learn.microsoft.com/graph/api/chat-post-messages). */
export interface GraphMessageBody {
  readonly body: { readonly contentType: 'html'; readonly content: string }
}

/**
 * Teams refuses chat messages above "about 28 KB", counting all HTML (text, links, mentions):
 * https://learn.microsoft.com/connectors/teams/#known-issues-and-limitations ("Request Entity too
 * large"). Teams counts message size in UTF-16 (bots/how-to/format-your-bot-messages), so the
 * budget is measured that way, with room left for the JSON around the body.
 */
export const MAX_BODY_BYTES = 27_000

// No raw HTML from markdown (`html: false`); markdown-it also refuses javascript:/data: links.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })

const allowed: sanitizeHtml.IOptions = {
  allowedTags: [
    ...['p', 'br', 'strong', 'b', 'em', 'i', 's', 'del', 'code', 'pre', 'blockquote', 'hr'],
    ...['ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    ...['table', 'thead', 'tbody', 'tr', 'th', 'td'],
  ],
  allowedAttributes: { a: ['href'], ol: ['start'] },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowProtocolRelative: false,
}

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Markdown → HTML Teams accepts, with nothing but the allowed tags and link schemes. */
export const markdownToTeamsHtml = (text: string) =>
  sanitizeHtml(markdown.render(stripControl(text)), allowed).trim()

const bytes = (html: string) => html.length * 2

/**
 * A normalized message as one or more Graph message bodies, each within MAX_BODY_BYTES. The quote
 * leads the first; images and files follow the text as links to their (signed) URLs.
 */
export function toGraphMessages(content: MessageContent): GraphMessageBody[] {
  const quote = content.replyTo ? quoteHtml(content.replyTo) : ''
  const parts = splitHtml(content.text).map((html, i) => (i === 0 ? quote + html : html))
  const links = content.attachments.map(linkHtml).join('')
  const last = parts.length - 1
  if (links && last >= 0 && bytes(parts[last]! + links) <= MAX_BODY_BYTES) parts[last] += links
  else if (links) parts.push(...packLinks(content.attachments))
  return parts
    .filter((p) => p.length > 0)
    .map((content) => ({ body: { contentType: 'html', content } }))
}

function quoteHtml(quote: ReplyQuote): string {
  const author = quote.author ? `<strong>${escape(stripControl(quote.author))}</strong><br>` : ''
  const text = escape(stripControl(quote.text)).slice(0, 2000).replace(/\n/g, '<br>')
  return `<blockquote>${author}${text}</blockquote>`
}

function linkHtml(attachment: Attachment): string {
  const url = URL.parse(attachment.url)
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return ''
  return `<p><a href="${escape(url.href)}">${escape(stripControl(attachment.name))}</a></p>`
}

function packLinks(attachments: readonly Attachment[]): string[] {
  const packs: string[] = ['']
  for (const html of attachments.map(linkHtml)) {
    if (bytes(packs[packs.length - 1]! + html) > MAX_BODY_BYTES) packs.push('')
    packs[packs.length - 1] += html
  }
  return packs
}

/**
 * Renders markdown, splitting it at block boundaries (then lines, then characters) until each
 * piece's HTML fits. Splitting markdown rather than HTML keeps every piece well-formed.
 */
function splitHtml(text: string): string[] {
  const whole = markdownToTeamsHtml(text)
  if (bytes(whole) <= MAX_BODY_BYTES) return whole ? [whole] : []
  const pieces: string[] = []
  let current = ''
  for (const unit of units(text)) {
    const candidate = current ? `${current}\n\n${unit}` : unit
    if (current && bytes(markdownToTeamsHtml(candidate)) > MAX_BODY_BYTES) {
      pieces.push(markdownToTeamsHtml(current))
      current = unit
    } else current = candidate
  }
  if (current) pieces.push(markdownToTeamsHtml(current))
  return pieces.filter(Boolean)
}

/** Blocks of markdown small enough to render within the budget on their own. */
function units(text: string): string[] {
  const limit = MAX_BODY_BYTES / 2 / 3 // characters, allowing for markup around them
  return text
    .split(/\n{2,}/)
    .flatMap((block) => (block.length <= limit ? [block] : block.split('\n')))
    .flatMap((line) => {
      const out: string[] = []
      for (let i = 0; i < line.length; i += limit) out.push(line.slice(i, i + limit))
      return out
    })
}
