import { createPrivateKey, type KeyObject } from 'node:crypto'

import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { RawRequest } from '../../../core/ports/connector.ts'
import type { SecretSource } from '../../../core/ports/secrets.ts'
import type { MicrosoftTeamsSettings } from '../settings.ts'
import { decryptRichContent, secretMatcher } from './rich-content.ts'
import { settingsOf, validationTokenMetadataUrl } from './settings-of.ts'
import { checkValidationTokens, type SignedTokenVerifier } from './validation-tokens.ts'
import { type ChangeNotification, changeNotificationCollection } from './wire.ts'

export interface NotificationAuthDeps {
  readonly secrets: SecretSource
  /** A verifier for JWTs signed with the keys of this OpenID metadata document. */
  readonly tokenVerifier: (openIdMetadataUrl: string) => SignedTokenVerifier
}

/** One authenticated notification; `resource` is the decrypted content of a rich one. */
export interface OpenedNotification {
  readonly item: ChangeNotification
  readonly resource?: unknown
}

// verify() and parse() see the same request object: authenticate and decrypt it once.
const opened = new WeakMap<RawRequest, Promise<OpenedNotification[]>>()

/**
 * Authenticates a notification body and decrypts its rich items. Throws InvalidInputError for a
 * malformed body, AuthenticationError when any item's clientState differs from the secret, when
 * a validation token fails, or when rich content was not encrypted and signed for us.
 */
export function openNotifications(
  req: RawRequest,
  integration: Integration,
  deps: NotificationAuthDeps,
): Promise<OpenedNotification[]> {
  let result = opened.get(req)
  if (!result) {
    result = open(req, settingsOf(integration), deps)
    opened.set(req, result)
  }
  return result
}

async function open(
  req: RawRequest,
  settings: MicrosoftTeamsSettings,
  deps: NotificationAuthDeps,
): Promise<OpenedNotification[]> {
  const body = parseBody(req.rawBody)
  const matchesClientState = cachedFor(
    'clientState',
    await deps.secrets.get(settings.notifications.clientStateName),
    secretMatcher,
  )
  for (const item of body.value) {
    // Graph's only proof on basic notifications: compare before anything else.
    if (!item.clientState || !matchesClientState(item.clientState)) {
      throw new AuthenticationError('notification clientState does not match')
    }
  }
  const rich = body.value.filter((item) => item.encryptedContent)
  if (rich.length === 0) return body.value.map((item) => ({ item }))

  const tenants = new Set(rich.map((item) => item.tenantId ?? ''))
  await checkValidationTokens(body.validationTokens ?? [], tenants, {
    clientId: settings.clientId,
    authorityHost: settings.authorityHost,
    verify: deps.tokenVerifier(validationTokenMetadataUrl(settings)),
  })
  const key = await privateKeyOf(settings, deps.secrets)
  const certId = settings.notifications.encryptionCertificateId
  for (const item of rich) {
    if (certId && item.encryptedContent?.encryptionCertificateId !== certId) {
      throw new AuthenticationError('rich notification was encrypted for another certificate')
    }
  }
  return Promise.all(
    body.value.map(async (item) =>
      item.encryptedContent
        ? { item, resource: await decryptRichContent(item.encryptedContent, key) }
        : { item },
    ),
  )
}

function parseBody(raw: Buffer) {
  let json: unknown
  try {
    json = JSON.parse(raw.toString('utf8'))
  } catch {
    throw new InvalidInputError('notification body is not JSON')
  }
  const result = changeNotificationCollection.safeParse(json)
  if (!result.success) {
    throw new InvalidInputError('notification body is not a change notification collection', {
      details: { issues: result.error.issues.slice(0, 5).map((i) => i.path.join('.')) },
    })
  }
  return result.data
}

async function privateKeyOf(
  settings: MicrosoftTeamsSettings,
  secrets: SecretSource,
): Promise<KeyObject> {
  const name = settings.notifications.encryptionPrivateKeyName
  // We never asked for resource data without a key, so such a body is not ours.
  if (!name) throw new AuthenticationError('rich notification but no encryption key configured')
  return cachedFor('privateKey', await secrets.get(name), (pem) => createPrivateKey(pem))
}

/*
 * Derived from secret values (a clientState matcher, a parsed PEM key) and kept per value, so a
 * rotated secret takes effect at once; parsing a PEM costs ~35 µs per notification otherwise.
 * A handful of integrations share the process: past that bound the cache starts over.
 */
const derived = new Map<string, unknown>()
const DERIVED_LIMIT = 64

function cachedFor<T>(kind: string, secret: string, derive: (secret: string) => T): T {
  const key = `${kind}:${secret}`
  let value = derived.get(key) as T | undefined
  if (value === undefined) {
    value = derive(secret)
    if (derived.size >= DERIVED_LIMIT) derived.clear()
    derived.set(key, value)
  }
  return value
}
