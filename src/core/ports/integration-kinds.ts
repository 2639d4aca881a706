import type { ConnectorKind, Integration, SetupResult } from '../model/integration.ts'
import type { JsonObject } from '../model/json.ts'

/**
 * A secret setting of a kind: the API takes its value write-only at `field` (a path inside
 * `settings`); the stored settings keep the name of a SecretStore entry at `ref`.
 */
export interface SecretField {
  readonly field: readonly string[]
  readonly ref: readonly string[]
  /** Written by the bridge itself (a refresh token after sign-in): the API names, never sets it. */
  readonly managed?: boolean
}

export interface SettingsIssue {
  /** Path inside the stored settings. */
  readonly path: readonly (string | number)[]
  readonly message: string
}

export type SettingsCheck =
  | { readonly ok: true; readonly settings: JsonObject }
  | { readonly ok: false; readonly issues: readonly SettingsIssue[] }

/** What the management API needs to know of one integration kind. */
export interface ManagedKind {
  readonly kind: ConnectorKind
  readonly displayName: string
  readonly secretFields: readonly SecretField[]
  /** Settings that are accepted but never shown (the bot's tenant id). */
  readonly writeOnlyFields: readonly (readonly string[])[]
  /** Longest accepted string per settings path (default 2048); e.g. certificates need more. */
  readonly longStrings?: Readonly<Record<string, number>>
  /** Validates stored settings (secret names in place); `settings` has defaults applied. */
  validate(settings: unknown): SettingsCheck
  /** Checks the stored credentials against the remote (a real token request). */
  checkSetup(integration: Integration): Promise<SetupResult>
}
