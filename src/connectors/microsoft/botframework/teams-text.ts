import type { Mention } from '../../../core/model/message.ts'
import { plainToMarkdown, stripControl, teamsHtmlToMarkdown } from '../graph/teams-html.ts'
import type { Activity } from './activity.ts'
import { botMention } from './mentions.ts'

export interface ActivityText {
  readonly markdown: string
  readonly mentions: readonly Mention[]
  /** The activity @mentioned the bot that received it. */
  readonly botMentioned: boolean
  readonly quote?: { readonly text: string; readonly author?: string; readonly messageId?: string }
}

const innerText = (markup: string) => markup.replace(/<[^>]*>/g, '').trim()

/**
 * The activity's text as markdown. Teams sends `text` with `<at>Name</at>` mention tags and,
 * for formatted messages and messages with mentions, the rich body as an extra `text/html`
 * attachment (used first, since it holds formatting and the reply quote). In channels and group
 * chats the bot only receives messages that @mention it; that mention is noise to an agent and
 * is removed (mentions.ts).
 */
export function activityText(activity: Activity): ActivityText {
  const mention = botMention(activity)
  const source = mention.html ?? mention.text
  const isMarkup = mention.html !== undefined || /<at\b/i.test(source)
  const converted = isMarkup
    ? teamsHtmlToMarkdown(source)
    : { markdown: plainToMarkdown(source), hostedImages: [] }

  return {
    markdown: converted.markdown,
    botMentioned: mention.mentioned,
    mentions: mention.others.map((m) => {
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
