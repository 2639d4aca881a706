import { ConfigError, NotFoundError } from '../../core/errors.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { SecretSource } from '../../core/ports/secrets.ts'
import type { StreamDeps } from './stream-request.ts'

/** What a responder may use from the outside world. */
export interface ResponderDeps extends StreamDeps {
  readonly secrets: SecretSource
  readonly log: Logger
}

/** Reads a secret a responder's settings name; a missing one is a configuration error. */
export async function responderSecret(
  secrets: SecretSource,
  name: string,
  path: string,
  reload = false,
): Promise<string> {
  try {
    return reload ? await secrets.reload(name) : await secrets.get(name)
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ConfigError(path, 'the secret it names does not exist')
    }
    throw error
  }
}
