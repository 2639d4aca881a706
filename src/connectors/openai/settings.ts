import { z } from 'zod'

import { responderTimeoutsSchema } from '../shared/responder-timeouts.ts'

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !new URL(value).search && !new URL(value).hash, 'no query or fragment')

/**
 * An OpenAI-compatible chat-completions responder (OpenAI, Azure OpenAI's v1 API, vLLM,
 * Ollama, LM Studio, …). The API key is a secret reference: the API stores the value
 * write-only and keeps only its name here.
 */
export const openAiResponderSettings = z
  .object({
    kind: z.literal('openai-compatible'),
    /** Base URL up to the version segment; `/chat/completions` is appended. */
    baseUrl: httpUrl.default('https://api.openai.com/v1'),
    model: z.string().min(1).max(256),
    /** Sent first as the `system` message; empty: none. */
    systemPrompt: z.string().max(32_000).default(''),
    /** The secret holding the API key (sent as `Authorization: Bearer`); unset: no key. */
    apiKeySecretName: z.string().min(1).max(200).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Sent as `max_tokens`, which compatible servers widely accept. */
    maxOutputTokens: z.number().int().min(1).max(128_000).optional(),
    /** How many earlier messages of the session are sent with each turn. */
    historyMessages: z.number().int().min(0).max(200).default(20),
    /** Image attachments with a URL are sent as `image_url` parts (vision models only). */
    sendImages: z.boolean().default(false),
    timeouts: responderTimeoutsSchema.prefault({}),
  })
  .strict()

export type OpenAiResponderSettings = z.infer<typeof openAiResponderSettings>
