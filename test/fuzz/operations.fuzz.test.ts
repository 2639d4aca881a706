import { fuzzSuite } from './fuzz-suite.ts'

await fuzzSuite(
  'bad input at health, readiness, metrics, OpenAPI and blob downloads',
  (c) => c.operations,
)
