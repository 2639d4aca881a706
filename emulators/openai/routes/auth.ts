import type { FastifyReply } from 'fastify'

import { sendOpenAiError } from '../errors.ts'
import type { OpenAiState } from '../state.ts'

/**
 * Bearer API keys as the API checks them: none → 401 asking for one; unknown → 401
 * `invalid_api_key`, the key masked in the message
 * (https://help.openai.com/en/articles/6891781-error-code-401-incorrect-api-key-provided).
 */
export function authenticate(
  state: OpenAiState,
  apiKey: string | undefined,
  reply: FastifyReply,
): boolean {
  if (apiKey === undefined) {
    void sendOpenAiError(reply, 401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    })
    return false
  }
  if (!state.apiKeys.has(apiKey)) {
    void sendOpenAiError(reply, 401, {
      message: `Incorrect API key provided: ${mask(apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      code: 'invalid_api_key',
    })
    return false
  }
  return true
}

function mask(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length)
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(40, key.length - 7))}${key.slice(-4)}`
}
