import { fetch } from 'undici'

/** The bridge's Prometheus exposition text (`GET /metrics`). */
export async function scrapeMetrics(bridgeUrl: string): Promise<string> {
  const res = await fetch(`${bridgeUrl}/metrics`)
  return res.text()
}

/**
 * Sum of every sample of `name` whose labels contain all of `labels` (substring match on
 * `key="value"`), or undefined when there is none.
 */
export function metricSum(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  let sum: number | undefined
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? ([-+0-9.eE]+|NaN)$/.exec(line)
    if (!match || match[1] !== name) continue
    const labelText = match[2] ?? ''
    if (Object.entries(labels).some(([k, v]) => !labelText.includes(`${k}="${v}`))) continue
    sum = (sum ?? 0) + Number(match[3])
  }
  return sum
}

export const MiB = (bytes: number | undefined) =>
  bytes === undefined ? undefined : bytes / 1024 / 1024
