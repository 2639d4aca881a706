import type { FastifyInstance, FastifyRequest } from 'fastify'

import { parseEncryptionCertificate } from '../notifications/encrypt.ts'
import { validateEndpoint, validationTokenFor } from '../notifications/handshake.ts'
import { familyOf } from '../notifications/resource-targets.ts'
import { guidFrom, newGuid } from '../state/ids.ts'
import { type Subscription, subscriptionJson } from '../state/subscriptions.ts'
import { type GraphContext, isDelegated, principalOf } from './context.ts'
import { badRequest, GraphHttpError, notFound, requestIdOf } from './graph-error.ts'
import { requireJson } from './pipeline.ts'
import {
  checkClientState,
  checkEndpointUrl,
  checkTlsVersion,
  effectiveExpiration,
  parseChangeTypes,
} from './subscription-rules.ts'
import { resolveTarget } from './subscription-targets.ts'

const CREATE_PROPERTIES = new Set([
  '@odata.type',
  'changeType',
  'notificationUrl',
  'lifecycleNotificationUrl',
  'resource',
  'expirationDateTime',
  'clientState',
  'includeResourceData',
  'encryptionCertificate',
  'encryptionCertificateId',
  'latestSupportedTlsVersion',
  'notificationUrlAppId',
])

type IdParams = { Params: { id: string } }
const config = (graphRoute: string) => ({ config: { graphRoute } })

/** https://learn.microsoft.com/graph/api/resources/subscription — create, list, get, update, delete, reauthorize. */
export function registerSubscriptionRoutes(scope: FastifyInstance, ctx: GraphContext): void {
  const owned = (req: FastifyRequest<IdParams>): Subscription => {
    const principal = principalOf(req)
    const sub = ctx.subscriptions.get(req.params.id)
    if (!sub || sub.applicationId !== principal.appId || sub.expirationMs <= ctx.clock.nowMs()) {
      throw notFound(`The object was not found.`, 'ResourceNotFound')
    }
    return sub
  }

  scope.post('/subscriptions', config('subscriptions.create'), async (req, reply) => {
    const sub = await createSubscription(ctx, req)
    ctx.subscriptions.add(sub)
    return reply.code(201).send(subscriptionJson(sub, ctx.baseUrl()))
  })

  scope.get('/subscriptions', config('subscriptions.list'), async (req) => {
    const principal = principalOf(req)
    const now = ctx.clock.nowMs()
    const mine = ctx.subscriptions
      .list()
      .filter((s) => s.applicationId === principal.appId && s.expirationMs > now)
      .filter((s) => !isDelegated(principal) || s.userId === principal.userId)
    return {
      '@odata.context': `${ctx.baseUrl()}/$metadata#subscriptions`,
      value: mine.map((s) => subscriptionJson(s, ctx.baseUrl())),
    }
  })

  scope.get<IdParams>('/subscriptions/:id', config('subscriptions.get'), async (req) =>
    subscriptionJson(owned(req), ctx.baseUrl()),
  )

  scope.patch<IdParams>('/subscriptions/:id', config('subscriptions.update'), async (req) => {
    const sub = owned(req)
    await updateSubscription(ctx, req, sub)
    return subscriptionJson(sub, ctx.baseUrl())
  })

  scope.delete<IdParams>(
    '/subscriptions/:id',
    config('subscriptions.delete'),
    async (req, reply) => {
      ctx.subscriptions.remove(owned(req).id)
      return reply.code(204).send()
    },
  )

  // Answers a reauthorizationRequired challenge without extending the subscription.
  scope.post<IdParams>(
    '/subscriptions/:id/reauthorize',
    config('subscriptions.reauthorize'),
    async (req, reply) => {
      owned(req).reauthorizationSentForMs = undefined
      return reply.code(204).send()
    },
  )
}

async function createSubscription(ctx: GraphContext, req: FastifyRequest): Promise<Subscription> {
  const principal = principalOf(req)
  const body = requireJson(req)
  for (const key of Object.keys(body)) {
    if (!CREATE_PROPERTIES.has(key))
      throw badRequest(`Invalid property '${key}' for a subscription.`)
  }
  const target = resolveTarget(ctx, principal, body.resource)
  const family = familyOf(target)
  const changeTypes = parseChangeTypes(body.changeType, family)
  const notificationUrl = checkEndpointUrl(
    'notificationUrl',
    body.notificationUrl,
    ctx.plainHttpHosts,
  )
  const lifecycleUrl =
    body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
      ? null
      : checkEndpointUrl(
          'lifecycleNotificationUrl',
          body.lifecycleNotificationUrl,
          ctx.plainHttpHosts,
        )
  const includeResourceData = body.includeResourceData === true
  const encryption = includeResourceData ? checkEncryption(body, target) : null
  const expirationMs = effectiveExpiration({
    raw: body.expirationDateTime,
    family,
    includeResourceData,
    hasLifecycleUrl: lifecycleUrl !== null,
    nowMs: ctx.clock.nowMs(),
  })
  const clientState = checkClientState(body.clientState)
  const latestSupportedTlsVersion = checkTlsVersion(body.latestSupportedTlsVersion)
  // Both URLs are validated before the subscription exists.
  await handshake(ctx, req, notificationUrl)
  if (lifecycleUrl) await handshake(ctx, req, lifecycleUrl)
  return {
    id: newGuid(),
    resource: body.resource as string,
    target,
    changeTypes,
    changeType: body.changeType as string,
    applicationId: principal.appId,
    // App-only subscriptions are created by the app's service principal.
    creatorId: principal.userId ?? guidFrom(`sp:${principal.appId}`),
    tenantId: ctx.tenantId,
    userId: principal.userId,
    notificationUrl,
    lifecycleNotificationUrl: lifecycleUrl,
    clientState,
    expirationMs,
    includeResourceData,
    certificate: encryption?.certificate ?? null,
    encryptionCertificateId: encryption?.id ?? null,
    latestSupportedTlsVersion,
    notificationUrlAppId:
      typeof body.notificationUrlAppId === 'string' ? body.notificationUrlAppId : null,
    reauthorizationSentForMs: undefined,
  }
}

function checkEncryption(body: Record<string, unknown>, target: Subscription['target']) {
  if (typeof body.encryptionCertificate !== 'string' || body.encryptionCertificate === '') {
    throw badRequest('encryptionCertificate is required when includeResourceData is true.')
  }
  const id = body.encryptionCertificateId
  if (typeof id !== 'string' || id === '' || id.length > 128) {
    throw badRequest(
      'encryptionCertificateId (up to 128 characters) is required when includeResourceData is true.',
    )
  }
  // Rich Outlook notifications carry only $select-ed properties, so $select is mandatory.
  if (target.kind === 'mail' && !target.select) {
    throw badRequest(
      'Subscriptions with resource data on Outlook messages need $select in the resource.',
    )
  }
  const certificate = parseEncryptionCertificate(body.encryptionCertificate)
  if (typeof certificate === 'string') throw badRequest(certificate)
  return { certificate, id }
}

const PATCHABLE = new Set([
  '@odata.type',
  'expirationDateTime',
  'notificationUrl',
  'lifecycleNotificationUrl',
])

async function updateSubscription(
  ctx: GraphContext,
  req: FastifyRequest,
  sub: Subscription,
): Promise<void> {
  const body = requireJson(req)
  for (const key of Object.keys(body)) {
    if (!PATCHABLE.has(key))
      throw badRequest(
        `Property '${key}' cannot be updated; only expirationDateTime and notificationUrl can.`,
      )
  }
  // "You can't add the lifecycleNotificationUrl property to an existing subscription by updating
  // the subscription" (https://learn.microsoft.com/graph/change-notifications-lifecycle-events).
  if (
    'lifecycleNotificationUrl' in body &&
    body.lifecycleNotificationUrl !== sub.lifecycleNotificationUrl
  ) {
    throw badRequest(
      'lifecycleNotificationUrl cannot be added or changed by updating a subscription; create a new one.',
    )
  }
  const expirationMs =
    body.expirationDateTime === undefined
      ? sub.expirationMs
      : effectiveExpiration({
          raw: body.expirationDateTime,
          family: familyOf(sub.target),
          includeResourceData: sub.includeResourceData,
          hasLifecycleUrl: sub.lifecycleNotificationUrl !== null,
          nowMs: ctx.clock.nowMs(),
        })
  if (body.notificationUrl !== undefined && body.notificationUrl !== sub.notificationUrl) {
    const url = checkEndpointUrl('notificationUrl', body.notificationUrl, ctx.plainHttpHosts)
    await handshake(ctx, req, url)
    sub.notificationUrl = url
  }
  sub.expirationMs = expirationMs
  // Renewing also reauthorizes.
  sub.reauthorizationSentForMs = undefined
}

async function handshake(ctx: GraphContext, req: FastifyRequest, url: string): Promise<void> {
  const token = validationTokenFor(requestIdOf(req))
  const outcome = await validateEndpoint(url, token)
  ctx.log.record({
    deliveryId: requestIdOf(req),
    kind: 'validation',
    url,
    subscriptionIds: [],
    attempt: 1,
    at: ctx.clock.now().toISOString(),
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    slow: false,
    outcome: outcome.ok ? 'delivered' : 'failed',
    ...(outcome.ok ? {} : { error: outcome.message }),
    payload: { validationToken: token },
  })
  if (!outcome.ok) throw new GraphHttpError(400, 'ValidationError', outcome.message)
}
