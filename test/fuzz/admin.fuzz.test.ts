import { fuzzSuite } from './fuzz-suite.ts'

await fuzzSuite('bad input at the jobs API and the service-account sign-in', (c) => c.admin)
