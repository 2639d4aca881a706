import type { GraphIdentity } from '../types.ts'

/**
 * The app id of Microsoft Graph Change Tracking, the publisher of change notifications: receivers
 * must check it in `appid`/`azp` (https://learn.microsoft.com/graph/change-notifications-with-resource-data#validation-tokens-in-the-change-notification).
 */
export const GRAPH_CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086'

const TOKEN_LIFETIME_SECONDS = 60 * 60

/**
 * One token per distinct app and tenant in the notification's `value`. v1-style claims: the
 * audience is the subscribing app, the issuer the tenant's STS.
 */
export async function validationTokens(
  identity: Pick<GraphIdentity, 'signJwt'>,
  pairs: ReadonlyArray<{ appId: string; tenantId: string }>,
  nowSeconds: number,
): Promise<string[]> {
  const distinct = new Map(pairs.map((p) => [`${p.appId}|${p.tenantId}`, p]))
  return Promise.all(
    [...distinct.values()].map(({ appId, tenantId }) =>
      identity.signJwt(
        {
          aud: appId,
          iss: `https://sts.windows.net/${tenantId}/`,
          idp: `https://sts.windows.net/${tenantId}/`,
          iat: nowSeconds,
          nbf: nowSeconds,
          appid: GRAPH_CHANGE_TRACKING_APP_ID,
          azp: GRAPH_CHANGE_TRACKING_APP_ID,
          appidacr: '2',
          tid: tenantId,
          ver: '1.0',
        },
        { expiresInSeconds: TOKEN_LIFETIME_SECONDS },
      ),
    ),
  )
}
