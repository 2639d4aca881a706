import { jsonSchemaTransform } from 'fastify-type-provider-zod'
import { $ZodType } from 'zod/v4/core'

type TransformInput = Parameters<typeof jsonSchemaTransform>[0]

/**
 * Swagger sees zod schemas (the admin API) as JSON Schema through the type provider, and
 * routes written with plain JSON Schema (jobs, ops, webhooks) as they are.
 */
export function openApiTransform(input: TransformInput) {
  const schema = input.schema as Record<string, unknown> | undefined
  const parts = schema
    ? [
        schema.body,
        schema.querystring,
        schema.params,
        schema.headers,
        ...Object.values((schema.response as object) ?? {}),
      ]
    : []
  return parts.some((part) => part instanceof $ZodType)
    ? jsonSchemaTransform(input)
    : { schema: input.schema, url: input.url }
}
