import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type ApiHarness, as, startApiHarness } from './api-harness.ts'

// Found by the fuzz suite (test/fuzz): settings nested ~5,000 levels deep overflowed the stack of
// the settings walk (500); any body nested past the limit is now a 400 before validation.
describe('admin API: deeply nested bodies', () => {
  let h: ApiHarness
  let key = ''
  beforeAll(async () => {
    h = await startApiHarness()
    key = (await h.account('Deep')).key
  })
  afterAll(async () => h?.close())

  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)

  it.each([
    [
      'POST',
      '/api/v1/integrations',
      (d: string) => `{"kind":"microsoft-teams-bot","name":"n","settings":{"allowFrom":${d}}}`,
    ],
    ['PATCH', '/api/v1/integrations/some-id', (d: string) => `{"settings":{"allowFrom":${d}}}`],
    ['POST', '/api/v1/keys', (d: string) => `{"name":"k","scopes":${d}}`],
  ] as const)('%s %s answers 400 naming the body', async (method, url, body) => {
    for (const depth of [33, 5_000, 100_000]) {
      const response = await h.inject(
        as(key, {
          method,
          url,
          payload: body(deep(depth)),
          headers: { 'content-type': 'application/json' },
        }),
      )
      expect(response.statusCode, `depth ${depth}`).toBe(400)
      expect(response.json()).toMatchObject({ code: 'INPUT_INVALID', details: { field: 'body' } })
    }
  })
})
