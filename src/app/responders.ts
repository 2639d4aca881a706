import { createResponder, type ResponderDeps } from '../connectors/responders.ts'
import { ConfigError } from '../core/errors.ts'
import type { Responder } from '../core/ports/responder.ts'
import type { ResponderRegistry } from '../flows/ai-bot/index.ts'
import type { Config } from './config.ts'

/** The name every bridge knows: the built-in sandbox responder (no network). */
export const BUILTIN_RESPONDER = 'builtin'

/**
 * The responders bot integrations name, from the process configuration (`responders.named`):
 * the operator decides which models and webhooks exist and holds their secrets; an account's
 * bot only picks one by name. `builtin` is always there unless the configuration redefines it.
 */
export function createResponderRegistry(
  config: Pick<Config, 'responders'>,
  deps: ResponderDeps,
): ResponderRegistry {
  const named: Record<string, unknown> = {
    [BUILTIN_RESPONDER]: { kind: 'builtin' },
    ...config.responders.named,
  }
  const built = new Map<string, Responder>()
  return {
    responder(name) {
      const known = built.get(name)
      if (known) return known
      const settings = Object.hasOwn(named, name) ? named[name] : undefined
      if (settings === undefined)
        throw new ConfigError('settings.responder', `no responder is named "${name}"`)
      const responder = createResponder(settings, deps)
      built.set(name, responder)
      return responder
    },
  }
}
