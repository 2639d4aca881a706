import { agentSends, agentTyping, disconnect } from './agent/agent.ts'
import type { EmulatorContext } from './context.ts'
import { ControlError } from './control-error.ts'
import { applySeed, validateWebhookToken } from './state/seed.ts'
import type { GenesysControl } from './types.ts'

function integration(ctx: EmulatorContext, id: string) {
  const found = ctx.state.integrations.get(id)
  if (!found) throw new ControlError(404, `unknown integration ${id}`)
  return found
}

/** The in-process control surface; `/_emulator/*` exposes the same verbs over HTTP. */
export function createControl(ctx: EmulatorContext): GenesysControl {
  const { state } = ctx
  return {
    seed: (seed) => applySeed(state, seed),
    updateIntegration(id, patch) {
      const target = integration(ctx, id)
      if (patch.outboundNotificationWebhookUrl !== undefined)
        target.outboundNotificationWebhookUrl = new URL(patch.outboundNotificationWebhookUrl).href
      if (patch.webhookHeaders !== undefined) target.webhookHeaders = { ...patch.webhookHeaders }
    },
    rotateWebhookToken(id, webhookToken) {
      const target = integration(ctx, id)
      try {
        validateWebhookToken(webhookToken)
      } catch (error) {
        throw new ControlError(400, (error as Error).message)
      }
      target.webhookToken = webhookToken
    },

    agentSends: async (input) => agentSends(ctx, input),
    agentTyping: async (input) => agentTyping(ctx, input),
    disconnect: (input) => disconnect(ctx, input),

    received: () => [...state.received],
    events: () => [...state.events],
    receipts: () => [...state.receipts],
    conversations: () => state.conversationList(),
    outbound: () => [...state.outbound.values()],
    deliveries: () => [...state.deliveries],
    presenceChanges: () => [...state.presenceChanges],
    emails: () => [...state.emails],

    failNext: (fault) => ctx.faults.add(fault),
    outage: (outage) => ctx.outages.add(outage),
    outboundFault: (fault) => ctx.webhooks.addFault(fault),
    clearFaults() {
      ctx.faults.clear()
      ctx.outages.clear()
      ctx.webhooks.clearFaults()
    },
    expireTokens() {
      const now = ctx.clock.nowMs()
      for (const token of state.tokens.values())
        token.expiresAtMs = Math.min(token.expiresAtMs, now)
    },
    setRateLimit(options) {
      if (options.enabled !== undefined) ctx.limiter.enabled = options.enabled
      if (options.perMinute !== undefined) {
        if (!Number.isInteger(options.perMinute) || options.perMinute < 1)
          throw new ControlError(400, 'perMinute must be a positive integer')
        ctx.limiter.perMinute = options.perMinute
      }
    },
    advanceClock: (ms) => ctx.clock.advance(ms),
    idle: () => ctx.webhooks.idle(),
  }
}
