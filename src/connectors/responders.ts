import { z } from 'zod'

import { ConfigError } from '../core/errors.ts'
import type { Responder } from '../core/ports/responder.ts'
import { builtinResponderSettings, createBuiltinResponder } from './builtin-responder/index.ts'
import { createOpenAiResponder, openAiResponderSettings } from './openai/index.ts'
import type { ResponderDeps } from './shared/responder-deps.ts'
import { createWebhookResponder, webhookResponderSettings } from './webhook-responder/index.ts'

export type { ResponderDeps } from './shared/responder-deps.ts'

/**
 * The settings of a bot integration's responder, chosen by `kind`. Secrets are references
 * (`apiKeySecretName`, `signingSecretName`): the API takes the values write-only and stores
 * them as secrets.
 */
export const responderSettings = z.discriminatedUnion('kind', [
  openAiResponderSettings,
  webhookResponderSettings,
  builtinResponderSettings,
])

export type ResponderSettings = z.infer<typeof responderSettings>

/** The secrets a responder's settings name, e.g. to check they exist or to delete them. */
export function responderSecretNames(settings: ResponderSettings): string[] {
  switch (settings.kind) {
    case 'openai-compatible':
      return settings.apiKeySecretName ? [settings.apiKeySecretName] : []
    case 'webhook':
      return [settings.signingSecretName, settings.previousSigningSecretName].filter(
        (name): name is string => name !== undefined,
      )
    case 'builtin':
      return []
  }
}

/**
 * Builds the Responder for stored settings. No network I/O: a bad URL or a missing secret
 * shows when the first turn is answered. Settings that no longer validate are a ConfigError
 * naming the field.
 */
export function createResponder(settings: unknown, deps: ResponderDeps): Responder {
  const parsed = responderSettings.safeParse(settings)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = [
      ...(issue?.path ?? []),
      ...(issue?.code === 'unrecognized_keys' ? issue.keys : []),
    ]
    throw new ConfigError(
      ['responder', ...path].join('.'),
      issue?.message ?? 'invalid responder settings',
    )
  }
  const valid = parsed.data
  switch (valid.kind) {
    case 'openai-compatible':
      return createOpenAiResponder(valid, deps)
    case 'webhook':
      return createWebhookResponder(valid, deps)
    case 'builtin':
      return createBuiltinResponder(valid, deps)
  }
}
