import type { ChatRequest } from './validate.ts'

/** The answer's pieces: one per stream chunk, each counted as one completion token. */
export function piecesOf(text: string, chunkChars: number): string[] {
  if (text === '') return []
  if (chunkChars > 0) {
    const pieces: string[] = []
    for (let i = 0; i < text.length; i += chunkChars) pieces.push(text.slice(i, i + chunkChars))
    return pieces
  }
  return text.match(/\s*\S+|\s+$/g) ?? [text]
}

/** Applies `max_tokens`: the answer stops there, with finish_reason `length`. */
export function limitPieces(
  pieces: string[],
  maxTokens: number | undefined,
): { pieces: string[]; truncated: boolean } {
  if (maxTokens === undefined || pieces.length <= maxTokens) return { pieces, truncated: false }
  return { pieces: pieces.slice(0, maxTokens), truncated: true }
}

/** Text of the last user message: what the echo answers. */
export function lastUserText(request: ChatRequest): string {
  return [...request.messages].reverse().find((m) => m.role === 'user')?.text ?? ''
}

/** Roughly OpenAI's count: about four characters per token. */
export const tokensOf = (text: string) => Math.ceil(text.length / 4)

export function usageOf(request: ChatRequest, completionTokens: number) {
  const promptTokens = request.messages.reduce((sum, m) => sum + 4 + tokensOf(m.text), 3)
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  }
}
