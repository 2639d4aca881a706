import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'

import { InvalidInputError } from '../../core/errors.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { ConnectorKind } from '../../core/model/integration.ts'
import type { JsonObject } from '../../core/model/json.ts'
import type { IntegrationAdmin } from '../../flows/admin/integrations.ts'
import {
  contactBody,
  contactSchema,
  createIntegrationBody,
  eventBody,
  eventSchema,
  integrationBody,
  integrationIdParams,
  integrationSchema,
  updateIntegrationBody,
} from './integration-schemas.ts'
import { pageBody, pageQuery, pageQueryShape, pageSchema } from './pagination.ts'
import { principalOf } from './principal.ts'

const security = [{ bearer: [] }]
const tags = ['integrations']
const MAX_META_FILTERS = 10

const listQuery = z
  .object(pageQueryShape)
  .catchall(z.string())
  .describe('plus meta[key]=value filters (exact match, all must hold)')

/** `/api/v1/integrations`: CRUD, Setup, and the contacts and events of one integration. */
export function integrationRoutes(admin: IntegrationAdmin) {
  return async (parent: FastifyInstance) => {
    const app = parent.withTypeProvider<ZodTypeProvider>()
    const id = (params: { id: string }) => params.id as IntegrationId

    app.post(
      '/api/v1/integrations',
      {
        schema: {
          tags,
          security,
          summary: 'Create an integration (its credentials are checked at once: see setup)',
          body: createIntegrationBody,
          response: { 201: integrationSchema },
        },
      },
      async (request, reply) => {
        const body = request.body
        const created = await admin.create(principalOf(request), {
          kind: body.kind as ConnectorKind,
          name: body.name,
          ...(body.description !== undefined && { description: body.description }),
          ...(body.enabled !== undefined && { enabled: body.enabled }),
          ...(body.meta && { meta: body.meta }),
          settings: body.settings as JsonObject,
        })
        reply.code(201).header('location', `/api/v1/integrations/${created.integration.id}`)
        return integrationBody(created)
      },
    )

    app.get(
      '/api/v1/integrations',
      {
        schema: {
          tags,
          security,
          summary: 'List the account’s integrations, newest first by default',
          querystring: listQuery,
          response: { 200: pageSchema(integrationSchema) },
        },
      },
      async (request) => {
        const { order, take, cursor, ...rest } = request.query
        const query = pageQuery('integrations', { order, take, cursor })
        const meta = metaFilters(rest as Record<string, string>)
        const page = await admin.list(principalOf(request), { ...query, meta })
        return pageBody('integrations', query, page, integrationBody)
      },
    )

    app.get(
      '/api/v1/integrations/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Fetch one integration (write-only fields never included)',
          params: integrationIdParams,
          response: { 200: integrationSchema },
        },
      },
      async (request) => integrationBody(await admin.get(principalOf(request), id(request.params))),
    )

    app.patch(
      '/api/v1/integrations/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Change only the given fields, then run Setup (409 when the check fails)',
          params: integrationIdParams,
          body: updateIntegrationBody,
          response: { 200: integrationSchema },
        },
      },
      async (request) => {
        const body = request.body
        const updated = await admin.update(principalOf(request), id(request.params), {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.description !== undefined && { description: body.description }),
          ...(body.enabled !== undefined && { enabled: body.enabled }),
          ...(body.meta && { meta: body.meta }),
          ...(body.settings && { settings: body.settings as JsonObject }),
        })
        return integrationBody(updated)
      },
    )

    app.delete(
      '/api/v1/integrations/:id',
      {
        schema: {
          tags,
          security,
          summary: 'Delete: its webhooks stop at once; contacts, events and history stay',
          params: integrationIdParams,
          response: { 204: z.null().describe('deleted') },
        },
      },
      async (request, reply) => {
        await admin.remove(principalOf(request), id(request.params))
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/api/v1/integrations/:id/setup',
      {
        schema: {
          tags,
          security,
          summary: 'Check the stored credentials with a real token request (409 with a reason)',
          params: integrationIdParams,
          response: { 200: integrationSchema },
        },
      },
      async (request) =>
        integrationBody(await admin.setup(principalOf(request), id(request.params))),
    )

    app.get(
      '/api/v1/integrations/:id/contacts',
      {
        schema: {
          tags,
          security,
          summary: 'People who talked to the integration (bots with contact collection)',
          params: integrationIdParams,
          querystring: z.object(pageQueryShape).strict(),
          response: { 200: pageSchema(contactSchema) },
        },
      },
      async (request) => {
        const query = pageQuery('contacts', request.query)
        const page = await admin.contacts(principalOf(request), id(request.params), query)
        return pageBody('contacts', query, page, contactBody)
      },
    )

    app.get(
      '/api/v1/integrations/:id/events',
      {
        schema: {
          tags,
          security,
          summary: 'The integration’s event log (installation and conversation updates, setup)',
          params: integrationIdParams,
          querystring: z.object(pageQueryShape).strict(),
          response: { 200: pageSchema(eventSchema) },
        },
      },
      async (request) => {
        const query = pageQuery('events', request.query)
        const page = await admin.events(principalOf(request), id(request.params), query)
        return pageBody('events', query, page, eventBody)
      },
    )
  }
}

/** `meta[key]=value` pairs; any other parameter is unknown (400 naming it). */
function metaFilters(params: Record<string, string>): Record<string, string> {
  const meta: Record<string, string> = {}
  for (const [name, value] of Object.entries(params)) {
    const key = /^meta\[([A-Za-z0-9_.-]{1,64})\]$/.exec(name)?.[1]
    if (!key) throw queryError(name, 'is not a known query parameter (meta[key]=value filters)')
    meta[key] = value
  }
  if (Object.keys(meta).length > MAX_META_FILTERS)
    throw queryError('meta', `at most ${MAX_META_FILTERS} filters`)
  return meta
}

const queryError = (field: string, message: string) =>
  new InvalidInputError(`${field}: ${message}`, {
    details: { field, in: 'querystring', errors: [{ field, message }] },
  })
