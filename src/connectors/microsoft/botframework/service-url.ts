import { PolicyRefusedError } from '../../../core/errors.ts'

/**
 * Hosts the Bot Connector answers on: Teams public cloud (`smba.trafficmanager.net`), GCC,
 * GCC High and DoD (`smba.infra.{gcc,gov,dod}.teams.microsoft.{com,us}`, see the Agents SDK's
 * TeamsServiceEndpoints, https://microsoft.github.io/Agents-for-js/variables/_microsoft_agents-hosting.TeamsServiceEndpoints.html)
 * and the other Bot Framework channels (`*.botframework.com`). botbuilder likewise attaches the
 * bot token only to trusted service URLs.
 */
export const MICROSOFT_CONNECTOR_HOSTS: readonly string[] = [
  'smba.trafficmanager.net',
  '.botframework.com',
  '.teams.microsoft.com',
  '.teams.microsoft.us',
]

const matches = (hostname: string, pattern: string) =>
  pattern.startsWith('.') ? hostname.endsWith(pattern) : hostname === pattern

/**
 * Refuses a serviceUrl the bot token must not be sent to. A conversation reference is data we
 * stored from an authenticated activity, but it is checked again at send time so a tampered or
 * mis-imported reference cannot exfiltrate the token. `trustedHosts` (exact `host:port`, local
 * emulators only) may also use plain http.
 */
export function assertTrustedServiceUrl(
  serviceUrl: string,
  extraHosts: readonly string[],
  trustedHosts: readonly string[] = [],
): URL {
  let url: URL
  try {
    url = new URL(serviceUrl)
  } catch {
    throw new PolicyRefusedError('serviceUrl is not a URL')
  }
  if (trustedHosts.includes(url.host) && (url.protocol === 'http:' || url.protocol === 'https:'))
    return url
  const hostname = url.hostname.toLowerCase()
  const allowed = [...MICROSOFT_CONNECTOR_HOSTS, ...extraHosts].some((p) =>
    matches(hostname, p.toLowerCase()),
  )
  if (url.protocol !== 'https:' || !allowed || url.username || url.password) {
    throw new PolicyRefusedError('serviceUrl host is not a trusted Bot Connector', {
      details: { host: url.host },
    })
  }
  return url
}

/** `{serviceUrl}v3/conversations/{id}/activities`, whether or not serviceUrl ends in `/`. */
export function activitiesUrl(serviceUrl: URL, conversationId: string): string {
  const base = serviceUrl.href.endsWith('/') ? serviceUrl.href : `${serviceUrl.href}/`
  return `${base}v3/conversations/${encodeURIComponent(conversationId)}/activities`
}
