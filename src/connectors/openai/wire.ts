import { z } from 'zod'

import type { ResponderAttachment, ResponderTurn } from '../../core/ports/responder.ts'
import type { OpenAiResponderSettings } from './settings.ts'

// The chat-completions wire format:
// request https://platform.openai.com/docs/api-reference/chat/create,
// stream chunks https://platform.openai.com/docs/api-reference/chat/streaming.

type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } }

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant'
  readonly content: string | readonly ContentPart[]
}

export interface ChatRequest {
  readonly model: string
  readonly messages: readonly ChatMessage[]
  readonly stream: true
  readonly temperature?: number
  readonly max_tokens?: number
}

/** The request body for one turn: system prompt, the latest history, the new message. */
export function chatRequest(settings: OpenAiResponderSettings, turn: ResponderTurn): ChatRequest {
  const history = settings.historyMessages > 0 ? turn.history.slice(-settings.historyMessages) : []
  const messages: ChatMessage[] = [
    ...(settings.systemPrompt ? [{ role: 'system' as const, content: settings.systemPrompt }] : []),
    ...history.map((m) => ({ role: m.role, content: m.content })),
    { role: 'user', content: userContent(turn, settings.sendImages) },
  ]
  return {
    model: settings.model,
    messages,
    stream: true,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.maxOutputTokens !== undefined ? { max_tokens: settings.maxOutputTokens } : {}),
  }
}

function userContent(turn: ResponderTurn, sendImages: boolean): ChatMessage['content'] {
  const { text, attachments } = turn.message
  const images = sendImages ? attachments.filter(isLinkedImage) : []
  const described = attachments.filter((a) => !images.includes(a))
  const note =
    described.length > 0 ? `\n\n[The user attached: ${described.map(describe).join('; ')}]` : ''
  const body = `${text}${note}`
  if (images.length === 0) return body
  return [
    ...(body ? [{ type: 'text' as const, text: body }] : []),
    ...images.map((image) => ({ type: 'image_url' as const, image_url: { url: image.url! } })),
  ]
}

const isLinkedImage = (a: ResponderAttachment) =>
  a.url !== undefined && a.mediaType.toLowerCase().startsWith('image/')

function describe(a: ResponderAttachment): string {
  const size =
    a.sizeBytes !== undefined ? `, ${Math.max(1, Math.round(a.sizeBytes / 1024))} KB` : ''
  return `${a.name ?? 'a file'} (${a.mediaType}${size})`
}

/** The error object OpenAI sends as a body or as a stream event. */
export const apiError = z.object({
  message: z.string().nullish(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
})

export type ApiError = z.infer<typeof apiError>

/** One `chat.completion.chunk`; only what a text answer needs, the rest passes unread. */
export const chatChunk = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().optional(),
      delta: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }).nullish(),
      finish_reason: z.string().nullish(),
    }),
  ),
})

/** A whole `chat.completion`: what servers that ignore `stream: true` answer. */
export const chatCompletion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
})
