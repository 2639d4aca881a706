import sanitizeHtml from 'sanitize-html'
import TurndownService from 'turndown'

/** What a Teams message body holds besides its text. */
export interface TeamsHtml {
  readonly markdown: string
  /** Inline images stored by Teams (`.../hostedContents/{id}/$value`), in body order. */
  readonly hostedImages: readonly string[]
  /** A quoted reply written as Teams' reply blockquote. */
  readonly quote?: { readonly text: string; readonly author?: string; readonly messageId?: string }
}

const REPLY_ITEMTYPE = 'http://schema.skype.com/Reply'
const HOSTED_CONTENT = /\/hostedContents\/[^/?#]+\/\$value$/

// Allow-list first: what is not listed is dropped, and the elements below lose their content too,
// so no script, style or foreign markup ever reaches the converter.
const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    ...['p', 'div', 'span', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 's', 'strike', 'del'],
    ...['code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'img', 'h1', 'h2', 'h3', 'h4'],
    ...['table', 'thead', 'tbody', 'tr', 'th', 'td'],
    // Teams' own elements: mentions and attachment placeholders.
    ...['at', 'attachment'],
  ],
  // `<emoji alt="🙂"></emoji>` is empty: keep its alt text as text.
  transformTags: {
    emoji: (_tag, attribs) => ({ tagName: 'span', attribs: {}, text: attribs['alt'] ?? '' }),
  },
  allowedAttributes: {
    a: ['href'],
    img: ['src', 'alt'],
    blockquote: ['itemtype', 'itemid'],
    strong: ['itemprop'],
    p: ['itemprop'],
  },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowProtocolRelative: false,
  nonTextTags: [
    ...['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed'],
    ...['svg', 'math', 'template', 'title', 'head', 'xmp', 'noembed', 'noframes', 'select'],
  ],
}

/** C0/C1 control characters except tab and newline, and bidi overrides (spoofing). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

export function stripControl(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL, '')
}

/** Markdown with `<` escaped where it could open a tag, so no raw HTML survives in text. */
export const escapeTagOpeners = (text: string) => text.replace(/<(?=[A-Za-z/!?])/g, '\\<')

/** Teams chat HTML → markdown, with mentions, quotes and inline images pulled out. */
export function teamsHtmlToMarkdown(html: string): TeamsHtml {
  const clean = sanitizeHtml(stripControl(html), sanitizeOptions)
  const hostedImages: string[] = []
  let quote: TeamsHtml['quote']
  const service = converter({
    onImage: (src) => hostedImages.push(src),
    onQuote: (q) => (quote ??= q),
  })
  const markdown = tidy(service.turndown(clean))
  return { markdown, hostedImages, ...(quote ? { quote } : {}) }
}

/** A plain-text body as markdown-safe text. */
export const plainToMarkdown = (text: string) => tidy(escapeTagOpeners(stripControl(text)))

const tidy = (text: string) =>
  stripControl(text)
    .replace(/\n{3,}/g, '\n\n')
    .trim()

/** The part of domino's DOM (turndown's parser) the rules use; the project has no DOM lib. */
interface DomElement {
  getAttribute(name: string): string | null
  querySelector(selector: string): DomElement | null
  readonly textContent: string | null
}

interface Sinks {
  onImage(src: string): void
  onQuote(quote: NonNullable<TeamsHtml['quote']>): void
}

function converter(sinks: Sinks): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
  })
  const baseEscape = service.escape.bind(service)
  service.escape = (text: string) => escapeTagOpeners(baseEscape(text))
  service.addRule('teamsReply', {
    filter: (node) =>
      node.nodeName === 'BLOCKQUOTE' && node.getAttribute('itemtype') === REPLY_ITEMTYPE,
    replacement: (_content, node) => {
      const el = node as unknown as DomElement
      const author = el.querySelector('[itemprop="mri"]')?.textContent?.trim()
      const preview = el.querySelector('[itemprop="preview"]')?.textContent ?? el.textContent
      const messageId = el.getAttribute('itemid') ?? undefined
      sinks.onQuote({
        text: tidy(preview ?? ''),
        ...(author ? { author: stripControl(author) } : {}),
        ...(messageId ? { messageId } : {}),
      })
      return ''
    },
  })
  service.addRule('mention', {
    filter: (node) => node.nodeName === 'AT',
    replacement: (content) => `@${content.trim()}`,
  })
  service.addRule('attachmentPlaceholder', {
    filter: (node) => node.nodeName === 'ATTACHMENT',
    replacement: () => '',
  })
  service.addRule('image', {
    filter: 'img',
    replacement: (_content, node) => {
      const el = node as unknown as DomElement
      const src = el.getAttribute('src') ?? ''
      if (HOSTED_CONTENT.test(src)) {
        sinks.onImage(src)
        return ''
      }
      // Other images (emoji sprites, external pictures) keep only their description.
      return service.escape(el.getAttribute('alt') ?? '')
    },
  })
  return service
}
