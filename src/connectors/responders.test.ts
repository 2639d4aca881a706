import { describe, expect, it } from 'vitest'

import { ConfigError } from '../core/errors.ts'
import { createResponder, responderSecretNames, responderSettings } from './responders.ts'
import { capturingLogger, realClock } from './shared/testing/fake-ports.ts'

const deps = {
  clock: realClock,
  log: capturingLogger(),
  secrets: {
    get: async () => 'x',
    reload: async () => 'x',
  },
}

describe('responder settings and registry', () => {
  it('builds each kind from its settings, with defaults applied', () => {
    expect(createResponder({ kind: 'builtin' }, deps).kind).toBe('builtin')
    expect(createResponder({ kind: 'openai-compatible', model: 'gpt-4o-mini' }, deps).kind).toBe(
      'openai-compatible',
    )
    expect(
      createResponder(
        { kind: 'webhook', url: 'https://bot.example/turns', signingSecretName: 's' },
        deps,
      ).kind,
    ).toBe('webhook')
    expect(responderSettings.parse({ kind: 'openai-compatible', model: 'm' })).toMatchObject({
      baseUrl: 'https://api.openai.com/v1',
      systemPrompt: '',
      historyMessages: 20,
      timeouts: { responseMs: 30_000, idleMs: 20_000, totalMs: 120_000 },
    })
  })

  it('refuses bad settings with the path of the field', () => {
    const error = (input: unknown) => {
      try {
        createResponder(input, deps)
      } catch (e) {
        return e as ConfigError
      }
      throw new Error('accepted')
    }
    expect(error({ kind: 'openai-compatible' }).path).toBe('responder.model')
    expect(error({ kind: 'webhook', url: 'ftp://x/', signingSecretName: 's' }).path).toBe(
      'responder.url',
    )
    expect(error({ kind: 'builtin', apiKey: 'sk-x' }).path).toBe('responder.apiKey')
    expect(error({ kind: 'gpt' })).toBeInstanceOf(ConfigError)
    // A raw key is never a setting: the schema only takes a secret's name.
    expect(
      responderSettings.safeParse({ kind: 'openai-compatible', model: 'm', apiKey: 'sk-x' })
        .success,
    ).toBe(false)
  })

  it('lists the secrets a responder names', () => {
    expect(
      responderSecretNames(
        responderSettings.parse({
          kind: 'webhook',
          url: 'https://bot.example/',
          signingSecretName: 'new',
          previousSigningSecretName: 'old',
        }),
      ),
    ).toEqual(['new', 'old'])
    expect(
      responderSecretNames(responderSettings.parse({ kind: 'openai-compatible', model: 'm' })),
    ).toEqual([])
  })
})
