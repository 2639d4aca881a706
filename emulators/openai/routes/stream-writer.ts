import type { ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

import type { OpenAiState } from '../state.ts'
import type { StreamFault } from '../types.ts'

/** The longest a stalled stream is held open before the emulator lets it go. */
const STALL_LIMIT_MS = 5 * 60_000

const event = (data: unknown) =>
  `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

/**
 * Writes a text/event-stream of `chat.completion.chunk` objects: `head` (the role chunk and
 * the content chunks), then `tail` (the finish chunk and the usage chunk), then `data: [DONE]`
 * (https://platform.openai.com/docs/api-reference/chat/streaming). A stream fault strikes after
 * `afterChunks` content chunks.
 */
export async function writeStream(
  res: ServerResponse,
  state: OpenAiState,
  chunks: { head: readonly object[]; tail: readonly object[] },
  fault: StreamFault | undefined,
): Promise<void> {
  state.open.add(res)
  res.once('close', () => state.open.delete(res))
  const strikeAt = fault ? 1 + Math.max(0, fault.afterChunks ?? 1) : Infinity
  const { chunkDelayMs } = state.streaming
  try {
    for (let i = 0; i < chunks.head.length; i++) {
      if (i === strikeAt) return await strike(res, fault!)
      if (res.destroyed) return
      await send(res, event(chunks.head[i]))
      if (chunkDelayMs > 0 && i > 0) await sleep(chunkDelayMs)
    }
    if (fault) return await strike(res, fault)
    for (const chunk of chunks.tail) res.write(event(chunk))
    res.end(event('[DONE]'))
  } finally {
    state.open.delete(res)
  }
}

/** Writes and waits until the bytes left for the socket, so a fault after them cannot lose them. */
const send = (res: ServerResponse, data: string) =>
  new Promise<void>((resolve) => res.write(data, () => resolve()))

async function strike(res: ServerResponse, fault: StreamFault): Promise<void> {
  switch (fault.kind) {
    case 'stall':
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => res.destroy(), STALL_LIMIT_MS)
        timer.unref()
        res.once('close', () => {
          clearTimeout(timer)
          resolve()
        })
      })
      return
    case 'cut':
      res.socket?.destroy()
      res.destroy()
      return
    case 'error-event':
      res.end(
        event({
          error: fault.error ?? {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          },
        }),
      )
      return
    case 'malformed':
      res.end('data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[{\n\n')
      return
    case 'end-early':
      res.end()
  }
}
