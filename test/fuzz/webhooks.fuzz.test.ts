import { fuzzSuite } from './fuzz-suite.ts'

await fuzzSuite('bad input at every connector webhook', (c) => c.webhooks)
