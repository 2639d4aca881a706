import { describe, expect, it } from 'vitest'

import { RemoteUnavailableError, UnexpectedError } from '../../core/errors.ts'
import type { ResponderFinish } from '../../core/ports/responder.ts'
import { replyFrom } from './responder-reply.ts'

describe('replyFrom', () => {
  it('streams the deltas in order, then resolves the whole text', async () => {
    const reply = replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
      yield 'Hel'
      yield ''
      yield 'lo'
      return 'length'
    })
    const seen: string[] = []
    for await (const delta of reply) seen.push(delta)
    expect(seen).toEqual(['Hel', 'lo'])
    await expect(reply.result()).resolves.toEqual({ text: 'Hello', finish: 'length' })
  })

  it('result() alone reads the deltas; nothing runs before', async () => {
    let started = false
    const reply = replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
      started = true
      yield 'a'
      return 'stop'
    })
    await Promise.resolve()
    expect(started).toBe(false)
    await expect(reply.result()).resolves.toEqual({ text: 'a', finish: 'stop' })
  })

  it('throws the classified error to the iterator and from result()', async () => {
    const failure = new RemoteUnavailableError('cut', { details: { midStream: true } })
    const reply = replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
      yield 'part'
      throw failure
    })
    const seen: string[] = []
    await expect(
      (async () => {
        for await (const delta of reply) seen.push(delta)
      })(),
    ).rejects.toBe(failure)
    expect(seen).toEqual(['part'])
    await expect(reply.result()).rejects.toBe(failure)
  })

  it('leaving early closes the source and rejects result()', async () => {
    let closed = false
    const reply = replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
      try {
        yield 'a'
        yield 'b'
        return 'stop'
      } finally {
        closed = true
      }
    })
    for await (const _ of reply) break
    expect(closed).toBe(true)
    await expect(reply.result()).rejects.toBeInstanceOf(UnexpectedError)
  })

  it('can be iterated only once', async () => {
    const reply = replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
      yield ''
      return 'none'
    })
    await reply.result()
    expect(() => reply[Symbol.asyncIterator]()).toThrow(UnexpectedError)
  })
})
