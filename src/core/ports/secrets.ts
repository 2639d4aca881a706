/**
 * Secrets by name. Values are never logged and never returned by an API.
 * Names may carry a source prefix: `env:NAME`, `file:/path`, `keyvault:name`; a plain name is
 * kept encrypted (AES-256-GCM) in the store.
 */
export interface SecretSource {
  /** Throws NotFoundError when the secret does not exist. */
  get(name: string): Promise<string>
  /** Re-reads the secret from its source, bypassing any cache (after a 401). */
  reload(name: string): Promise<string>
}

/** A writable source for secrets the bridge itself receives (refresh tokens, API-set secrets). */
export interface SecretStore extends SecretSource {
  put(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
  has(name: string): Promise<boolean>
}
