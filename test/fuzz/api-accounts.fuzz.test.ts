import { fuzzSuite } from './fuzz-suite.ts'

await fuzzSuite('bad input at the admin API: the account and its keys', (c) =>
  c.api.filter((e) => !e.routes[0]!.includes('/integrations')),
)
