import { InvalidInputError, RemoteRejectedError } from '../../core/errors.ts'

/**
 * The part of the connectors' HttpClient (src/connectors/shared/http.ts) this adapter uses;
 * infra may not import connectors, and the real client satisfies this shape.
 */
export interface KeyVaultHttp {
  request(req: {
    readonly method: 'GET'
    readonly url: string
    readonly headers?: Readonly<Record<string, string>>
    readonly rateKey?: string
    readonly idempotent?: boolean
    readonly auth?: { header(): Promise<string>; refresh(): Promise<void> }
  }): Promise<{ readonly status: number; json<T = unknown>(): T }>
}

export interface KeyVaultClient {
  /** The current version's value; undefined when the vault has no such secret. */
  getSecret(name: string): Promise<string | undefined>
}

export interface KeyVaultClientOptions {
  /** e.g. `https://myvault.vault.azure.net` */
  readonly vaultUrl: string
  /** An access token for scope `https://vault.azure.net/.default`. */
  readonly tokenProvider: (options?: { forceRefresh?: boolean }) => Promise<string>
  readonly http: KeyVaultHttp
}

// Get Secret: GET {vaultBaseUrl}/secrets/{secret-name}?api-version=7.4 → SecretBundle
// { value, id, attributes }; errors are KeyVaultError { error: { code, message } }.
// https://learn.microsoft.com/en-us/rest/api/keyvault/secrets/get-secret/get-secret
const API_VERSION = '7.4'
// Secret names: 1-127 characters, letters, digits and dashes.
// https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/

interface SecretBundle {
  readonly value?: unknown
}

export function createKeyVaultClient(options: KeyVaultClientOptions): KeyVaultClient {
  const base = options.vaultUrl.replace(/\/+$/, '')
  const rateKey = `keyvault:${new URL(base).host}`
  let forceRefresh = false
  const auth = {
    header: async () => {
      const token = await options.tokenProvider(forceRefresh ? { forceRefresh } : undefined)
      forceRefresh = false
      return `Bearer ${token}`
    },
    refresh: async () => {
      forceRefresh = true
    },
  }

  return {
    async getSecret(name) {
      if (!SECRET_NAME.test(name)) {
        throw new InvalidInputError(`keyvault:${name} is not a valid Key Vault secret name`)
      }
      try {
        const response = await options.http.request({
          method: 'GET',
          url: `${base}/secrets/${name}?api-version=${API_VERSION}`,
          headers: { accept: 'application/json' },
          rateKey,
          idempotent: true,
          auth,
        })
        if (response.status === 404) return undefined
        const bundle = response.json<SecretBundle>()
        return typeof bundle.value === 'string' ? bundle.value : undefined
      } catch (error) {
        if (error instanceof RemoteRejectedError && error.status === 404) return undefined
        throw error
      }
    },
  }
}
