import type { FastifyReply } from 'fastify'

import type { EmulatorContext } from '../context.ts'
import type { IntegrationState, TokenState } from '../state/store.ts'
import { sendError } from './errors.ts'

/** The integration in the path, if it exists in the caller's org (another org's is a 404 too). */
export async function integrationFor(
  ctx: EmulatorContext,
  token: TokenState,
  integrationId: string,
  reply: FastifyReply,
): Promise<IntegrationState | undefined> {
  const integration = ctx.state.integrations.get(integrationId)
  if (integration && integration.orgId === token.orgId) return integration
  await sendError(reply, 404, { message: `Open messaging integration ${integrationId} not found` })
  return undefined
}

/** The channel object Genesys echoes in its normalized answers. */
export function echoChannel(
  integration: IntegrationState,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    id: integration.id,
    platform: 'Open',
    type: 'Private',
    to: { id: integration.id },
    ...extra,
  }
}
