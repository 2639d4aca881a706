import { sanitizeText } from '../../../../core/policies/text.ts'
import type { ConversationReference } from '../conversation-reference.ts'
import { safeMarkdown } from '../to-activity.ts'

/**
 * The activities of a Teams stream (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux):
 * interim `typing` activities with a `streaminfo` entity (`informative` or `streaming`, a rising
 * `streamSequence`, the `streamId` once known) carrying the whole text so far, and the final
 * `message` with `streamType: 'final'` and no sequence.
 */
type Json = Record<string, unknown>

const addressing = (ref: ConversationReference): Json => ({
  from: ref.bot,
  recipient: ref.user,
  conversation: { id: ref.conversation.id },
  ...(ref.tenantId ? { channelData: { tenant: { id: ref.tenantId } } } : {}),
})

export function interimActivity(
  ref: ConversationReference,
  text: string,
  streamType: 'informative' | 'streaming',
  streamSequence: number,
  streamId: string | undefined,
): Json {
  return {
    type: 'typing',
    ...addressing(ref),
    text,
    entities: [
      { type: 'streaminfo', streamType, streamSequence, ...(streamId ? { streamId } : {}) },
    ],
  }
}

export function finalActivity(ref: ConversationReference, text: string, streamId: string): Json {
  return {
    type: 'message',
    ...addressing(ref),
    textFormat: 'markdown',
    text,
    entities: [{ type: 'streaminfo', streamType: 'final', streamId }],
  }
}

/** The streamed message replaced in place (PUT), when a stream could not be finished. */
export function replacementActivity(ref: ConversationReference, text: string): Json {
  return { type: 'message', ...addressing(ref), textFormat: 'markdown', text }
}

/**
 * Model text as it is shown: sanitized and markdown-safe (to-activity.ts). A trailing `\r` or
 * half of a surrogate pair is held back until the next delta completes it, so each rendering
 * starts with the previous one, as Teams requires of streamed text.
 */
export function renderText(text: string): string {
  let stable = text
  if (stable.endsWith('\r')) stable = stable.slice(0, -1)
  const last = stable.charCodeAt(stable.length - 1)
  if (last >= 0xd800 && last <= 0xdbff) stable = stable.slice(0, -1)
  return safeMarkdown(sanitizeText(stable))
}
