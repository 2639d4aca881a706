/**
 * How hard the fuzz suite tries. CI runs the defaults; run more locally with e.g.
 * `CXB_FUZZ_RUNS=100000 npx vitest run test/fuzz`, and replay a failure with the seed (and
 * path) fast-check printed: `CXB_FUZZ_SEED=123 CXB_FUZZ_PATH=4:1:0 npx vitest run test/fuzz`.
 */
export const FUZZ_RUNS = positiveInt('CXB_FUZZ_RUNS', 10_000)

/** Requests per endpoint sent over a real socket (transport-level bugs), on top of FUZZ_RUNS. */
export const SOCKET_RUNS = positiveInt(
  'CXB_FUZZ_SOCKET_RUNS',
  Math.max(50, Math.ceil(FUZZ_RUNS / 40)),
)

export const FUZZ_SEED = optionalInt('CXB_FUZZ_SEED')
export const FUZZ_PATH = process.env['CXB_FUZZ_PATH'] || undefined

/** The bridge's http.bodyLimitBytes under fuzzing: small, so bodies around it are cheap to build. */
export const FUZZ_BODY_LIMIT = 16 * 1024

/** Generous: 10,000 requests take a few seconds alone, several times that on a busy machine. */
export const FUZZ_TIMEOUT_MS = Math.max(120_000, FUZZ_RUNS * 30)

/** fast-check parameters shared by every fuzz property. */
export function fuzzParameters(numRuns: number) {
  return {
    numRuns,
    ...(FUZZ_SEED !== undefined && { seed: FUZZ_SEED }),
    ...(FUZZ_PATH !== undefined && { path: FUZZ_PATH }),
    // Shrinking a request that answered 500 is worth the time; a few hundred steps suffice.
    endOnFailure: false,
  }
}

function positiveInt(name: string, fallback: number): number {
  const value = optionalInt(name)
  if (value === undefined) return fallback
  if (value < 1) throw new Error(`${name} must be a positive integer`)
  return value
}

function optionalInt(name: string): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, not ${raw}`)
  return value
}
