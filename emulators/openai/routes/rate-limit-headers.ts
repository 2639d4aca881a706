const LIMIT_REQUESTS = 10_000
const LIMIT_TOKENS = 30_000_000

/**
 * The `x-ratelimit-*` headers every answer carries
 * (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers); after a 429 the
 * request budget is exhausted and resets in `retryAfterSeconds` (default 20 s).
 */
export function rateLimitHeaders(
  exhausted: boolean,
  retryAfterSeconds?: number,
): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(LIMIT_REQUESTS),
    'x-ratelimit-limit-tokens': String(LIMIT_TOKENS),
    'x-ratelimit-remaining-requests': exhausted ? '0' : String(LIMIT_REQUESTS - 1),
    'x-ratelimit-remaining-tokens': String(LIMIT_TOKENS - 1_000),
    'x-ratelimit-reset-requests': exhausted ? `${retryAfterSeconds ?? 20}s` : '6ms',
    'x-ratelimit-reset-tokens': '2ms',
  }
}
