export {
  createKeyVaultClient,
  type KeyVaultClient,
  type KeyVaultClientOptions,
  type KeyVaultHttp,
} from './keyvault-client.ts'
export { loadMasterKey, MASTER_KEY_ENV, MASTER_KEY_FILE_ENV, parseMasterKey } from './master-key.ts'
export { createSecretCipher, MASTER_KEY_BYTES, type SecretCipher } from './secret-cipher.ts'
export { createSecretStore, SECRETS_NAMESPACE, type SecretStoreOptions } from './secret-store.ts'
