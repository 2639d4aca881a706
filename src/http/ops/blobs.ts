import type { FastifyInstance } from 'fastify'

export interface BlobResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array | string
}

/** Serves re-hosted attachments behind signed, expiring URLs (the signature is checked by `serve`). */
export async function blobRoutes(
  app: FastifyInstance,
  options: {
    serve: (key: string, query: Record<string, string | undefined>) => Promise<BlobResponse>
  },
): Promise<void> {
  app.get<{ Params: { key: string }; Querystring: Record<string, string | undefined> }>(
    '/blobs/:key',
    { schema: { hide: true } },
    async (request, reply) => {
      const result = await options.serve(request.params.key, request.query)
      return reply.code(result.status).headers(result.headers).send(Buffer.from(result.body))
    },
  )
}
