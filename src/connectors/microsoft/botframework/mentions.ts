import { type Activity, type MentionEntity, mentionEntity } from './activity.ts'

/** What an inbound activity says about the bot it was sent to, and its text without it. */
export interface BotMention {
  /** A `mention` entity names the recipient (the bot): the user addressed it. */
  readonly mentioned: boolean
  /** `text` without the bot's own `<at>…</at>` mention(s), whitespace tidied. */
  readonly text: string
  /**
   * The rich `text/html` body, when the activity has one, without the bot's mention and with the
   * other mentions as `<at>Name</at>`.
   */
  readonly html?: string
  /** The other mentions, in the order Teams sent them. */
  readonly others: readonly MentionEntity[]
}

const MENTION_ITEMTYPE = 'http://schema.skype.com/Mention'
/** Teams' mention markup in the rich body: `<span itemtype="…/Mention" itemscope="" itemid="0">Name</span>`. */
const MENTION_SPAN = /<span\b([^>]*)>([\s\S]*?)<\/span>(&nbsp;|\u00a0| )?/gi

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const innerText = (markup: string) => markup.replace(/<[^>]*>/g, '').trim()
const accountKey = (id: string) => id.trim().toLowerCase().replace(/^28:/, '')

/** The mention entities of an activity, in order (`itemid` in the rich body is this index). */
export function mentionsOf(activity: Activity): MentionEntity[] {
  return (activity.entities ?? []).flatMap((e) => {
    const parsed = mentionEntity.safeParse(e)
    return parsed.success ? [parsed.data] : []
  })
}

/** The names a mention may be written with in text: the entity's `<at>` text and the account name. */
function namesOf(mention: MentionEntity): string[] {
  const names = [mention.text ? innerText(mention.text) : '', mention.mentioned.name ?? '']
    .map((n) => n.replace(/^@/, '').trim())
    .filter((n) => n.length > 0)
  return [...new Set(names.flatMap((n) => [n, escapeHtml(n)]))]
}

/** `<at …>Name</at>` (with or without a leading `@`) for any of the names, plus the space after it. */
function atTags(names: readonly string[]): RegExp {
  const alternatives = names.map(escapeRegExp).join('|')
  return new RegExp(`<at\\b[^>]*>\\s*@?(?:${alternatives})\\s*</at>(?:&nbsp;|\\u00a0| )?`, 'gi')
}

const tidy = (text: string) =>
  text
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .trim()

/**
 * Whether the activity @mentions its recipient, and its text and rich body without that mention
 * (what botbuilder's `removeRecipientMention` does to `text`, done to the HTML body too). Teams
 * writes the mention into `text` as `<at>Bot Name</at>` and into the `text/html` attachment as a
 * mention `<span>` whose `itemid` is the index of its entity
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/channel-and-group-conversations#work-with-mentions);
 * the entities are what counts, "don't rely on the text". Other mentions are kept.
 */
export function botMention(activity: Activity): BotMention {
  const mentions = mentionsOf(activity)
  const botKey = accountKey(activity.recipient.id)
  const isBot = (m: MentionEntity) => accountKey(m.mentioned.id) === botKey
  const botNames = mentions.filter(isBot).flatMap(namesOf)
  const strip = (markup: string) =>
    botNames.length > 0 ? markup.replace(atTags(botNames), '') : markup

  const rich = activity.attachments?.find((a) => a.contentType === 'text/html')
  const html =
    typeof rich?.content === 'string'
      ? strip(
          rich.content.replace(MENTION_SPAN, (span, attributes: string, inner: string, nbsp) => {
            if (!attributes.includes(MENTION_ITEMTYPE)) return span
            const index = Number(/itemid="(\d+)"/.exec(attributes)?.[1] ?? -1)
            const mention = mentions[index]
            const name = innerText(inner)
            const bot = mention ? isBot(mention) : botNames.includes(name)
            return bot ? '' : `<at>${inner}</at>${nbsp ?? ''}`
          }),
        ).trim()
      : undefined

  return {
    mentioned: mentions.some(isBot),
    text: tidy(strip(activity.text ?? '')),
    ...(html !== undefined ? { html } : {}),
    others: mentions.filter((m) => !isBot(m)),
  }
}
