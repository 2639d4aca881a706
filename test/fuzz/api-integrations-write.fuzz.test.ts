import { fuzzSuite } from './fuzz-suite.ts'

await fuzzSuite('bad input at the admin API: creating, changing and deleting integrations', (c) =>
  c.api.filter((e) => e.routes[0]!.includes('/integrations') && e.method !== 'GET'),
)
