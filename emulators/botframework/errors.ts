import type { FastifyReply } from 'fastify'

/**
 * Connector error bodies. The v3 API answers `ErrorResponse` = `{ error: { code, message } }`
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#errorresponse-object);
 * an unauthenticated call gets the ASP.NET `{ message: 'Authorization has been denied for this request.' }`.
 */
export function connectorError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(status).send({ error: { code, message } })
}

export const unauthorized = (reply: FastifyReply): FastifyReply =>
  reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="api.botframework.com"')
    .send({ message: 'Authorization has been denied for this request.' })
