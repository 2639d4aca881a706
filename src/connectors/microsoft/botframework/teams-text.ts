import type { Mention } from '../../../core/model/message.ts'
import { plainToMarkdown, stripControl, teamsHtmlToMarkdown } from '../graph/teams-html.ts'
import { type Activity, mentionEntity } from './activity.ts'

export interface ActivityText {
  readonly markdown: string
  readonly mentions: readonly Mention[]
  readonly quote?: { readonly text: string; readonly author?: string; readonly messageId?: string }
}

const innerText = (markup: string) => markup.replace(/<[^>]*>/g, '').trim()
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * The activity's text as markdown. Teams sends `text` with `<at>Name</at>` mention tags and,
 * for formatted messages, the rich body as an extra `text/html` attachment (used first, since
 * it holds formatting and the reply quote). In channels and group chats the bot only receives
 * messages that @mention it; that mention is noise to an agent and is removed.
 */
export function activityText(activity: Activity): ActivityText {
  const mentions = (activity.entities ?? []).flatMap((e) => {
    const parsed = mentionEntity.safeParse(e)
    return parsed.success ? [parsed.data] : []
  })
  const botNames = mentions
    .filter((m) => m.mentioned.id === activity.recipient.id)
    .map((m) => (m.text ? innerText(m.text) : (m.mentioned.name ?? '')))
    .filter((name) => name.length > 0)

  const html = htmlBody(activity)
  const source = html ?? activity.text ?? ''
  const withoutBot = botNames.reduce((text, name) => removeAt(text, name), source)
  const isMarkup = html !== undefined || /<at\b/i.test(withoutBot)
  const converted = isMarkup
    ? teamsHtmlToMarkdown(withoutBot)
    : { markdown: plainToMarkdown(withoutBot), hostedImages: [] }

  return {
    markdown: converted.markdown,
    mentions: mentions
      .filter((m) => m.mentioned.id !== activity.recipient.id)
      .map((m) => {
        const name = stripControl(m.mentioned.name ?? (m.text ? innerText(m.text) : ''))
        return {
          text: name,
          participant: {
            role: 'customer' as const,
            displayName: name,
            remoteId: m.mentioned.id,
            ...(m.mentioned.aadObjectId ? { aadObjectId: m.mentioned.aadObjectId } : {}),
          },
        }
      }),
    ...('quote' in converted && converted.quote ? { quote: converted.quote } : {}),
  }
}

function htmlBody(activity: Activity): string | undefined {
  const rich = activity.attachments?.find((a) => a.contentType === 'text/html')
  return typeof rich?.content === 'string' ? rich.content : undefined
}

/** Removes `<at ...>name</at>` whether the name is written raw or HTML-escaped. */
function removeAt(markup: string, name: string): string {
  const names = [...new Set([name, escapeHtml(name)])].map(escapeRegExp).join('|')
  return markup.replace(new RegExp(`<at\\b[^>]*>\\s*(?:${names})\\s*</at>`, 'gi'), '')
}
