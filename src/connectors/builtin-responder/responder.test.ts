import { describe, expect, it } from 'vitest'

import type { ResponderTurn } from '../../core/ports/responder.ts'
import { capturingLogger, realClock } from '../shared/testing/fake-ports.ts'
import { chunksOf } from './answers.ts'
import { createBuiltinResponder } from './responder.ts'
import { builtinResponderSettings } from './settings.ts'

const responder = createBuiltinResponder(builtinResponderSettings.parse({ kind: 'builtin' }), {
  clock: realClock,
})
const turn = (text: string, extra: Partial<ResponderTurn['message']> = {}, history = 0) => ({
  sessionId: 's',
  turnId: 't',
  history: Array.from({ length: history }, () => ({ role: 'user' as const, content: 'x' })),
  message: {
    text,
    sender: { id: '29:alex', displayName: 'Alex Customer' },
    attachments: [],
    ...extra,
  },
})
const ask = async (t: ResponderTurn, signal?: AbortSignal) => {
  const reply = responder.respond(t, { log: capturingLogger(), ...(signal ? { signal } : {}) })
  const deltas: string[] = []
  for await (const delta of reply) deltas.push(delta)
  return { deltas, ...(await reply.result()) }
}

describe('built-in responder', () => {
  it('streams a deterministic answer in a few chunks that add up to the text', async () => {
    const first = await ask(turn('hello there'))
    expect(first.text).toBe(
      'Hello Alex! I am the Sandbox assistant. Type "help" to see what I can do.',
    )
    expect(first.deltas.length).toBeGreaterThan(1)
    expect(first.deltas.length).toBeLessThanOrEqual(4)
    expect(first.deltas.join('')).toBe(first.text)
    expect(first.finish).toBe('stop')
    expect((await ask(turn('hello there'))).deltas).toEqual(first.deltas)
  })

  it.each([
    ['help', /I understand:\n- "hello"/],
    ['echo Some words', /^Some words$/],
    ['Where is my order #1042?', /^Order #1042 (has shipped|is being packed|was delivered)/],
    ['thank you!', /^You are welcome/],
    ['Can I talk to a human?', /no live agent/],
    ['what is the weather', /^You said: "what is the weather"\. Type "help"/],
  ])('%s', async (text, expected) => {
    expect((await ask(turn(text))).text).toMatch(expected)
  })

  it('counts the history and acknowledges attachments', async () => {
    expect((await ask(turn('history', {}, 3))).text).toBe(
      'We have exchanged 3 messages before this one.',
    )
    const files = await ask(
      turn('', { attachments: [{ name: 'invoice.pdf', mediaType: 'application/pdf' }] }),
    )
    expect(files.text).toBe(
      'Thanks, Alex, I received your attachment (invoice.pdf). I cannot open files in the sandbox.',
    )
  })

  it("stops with the caller's abort reason", async () => {
    const abort = new AbortController()
    const reason = new Error('gone')
    abort.abort(reason)
    await expect(ask(turn('hello'), abort.signal)).rejects.toBe(reason)
  })

  it('chunksOf keeps every character', () => {
    expect(chunksOf('  a b  c d e ', 2)).toEqual(['  a b  c ', 'd e '])
    expect(chunksOf('', 3)).toEqual([])
    expect(chunksOf('   ', 3)).toEqual(['   '])
  })
})
