import { z } from 'zod'

import { RemoteRejectedError } from '../../../core/errors.ts'
import type { BotMember } from '../../../core/ports/bot-channel.ts'
import type { HttpAuth, HttpClient } from '../../shared/http.ts'

/** TeamsChannelAccount (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/get-teams-context#get-single-member-details). */
const teamsChannelAccount = z
  .object({
    id: z.string(),
    name: z.string().max(512).optional(),
    aadObjectId: z.string().max(128).optional(),
    email: z.string().max(512).optional(),
    userPrincipalName: z.string().max(512).optional(),
    tenantId: z.string().max(128).optional(),
  })
  .loose()

/**
 * `GET {serviceUrl}v3/conversations/{id}/members/{userId}`: the user's UPN and e-mail, which
 * activities do not carry. A member Teams does not know is undefined.
 */
export async function getMember(
  http: HttpClient,
  auth: HttpAuth,
  activitiesUrl: string,
  userId: string,
  options: { readonly rateKey: string; readonly signal?: AbortSignal },
): Promise<BotMember | undefined> {
  const url = activitiesUrl.replace(/\/activities$/, `/members/${encodeURIComponent(userId)}`)
  let response
  try {
    response = await http.request({
      method: 'GET',
      url,
      auth,
      rateKey: options.rateKey,
      idempotent: true,
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
      ...(options.signal ? { signal: options.signal } : {}),
    })
  } catch (error) {
    if (error instanceof RemoteRejectedError && error.status === 404) return undefined
    throw error
  }
  const parsed = teamsChannelAccount.safeParse(safeJson(response.text()))
  if (!parsed.success) throw new RemoteRejectedError('Teams answered an unreadable member')
  const m = parsed.data
  return {
    ...(m.name ? { name: m.name } : {}),
    ...(m.userPrincipalName ? { upn: m.userPrincipalName } : {}),
    ...(m.email ? { email: m.email } : {}),
    ...(m.aadObjectId ? { aadObjectId: m.aadObjectId } : {}),
    ...(m.tenantId ? { tenantId: m.tenantId } : {}),
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
