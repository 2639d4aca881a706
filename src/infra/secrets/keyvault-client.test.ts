import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { InvalidInputError, RemoteAuthError, RemoteRejectedError } from '../../core/errors.ts'
import { createKeyVaultClient, type KeyVaultHttp } from './keyvault-client.ts'

/** A fake vault that speaks the Get Secret REST shape and checks the bearer token. */
async function startFakeVault(secrets: Record<string, string>, validToken: () => string) {
  const seen: string[] = []
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://vault')
    seen.push(`${req.method} ${url.pathname}${url.search}`)
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.headers.authorization !== `Bearer ${validToken()}`) {
      return send(401, { error: { code: 'Unauthorized', message: 'AKV10000' } })
    }
    const match = /^\/secrets\/([^/]+)$/.exec(url.pathname)
    if (!match || url.searchParams.get('api-version') !== '7.4') {
      return send(400, { error: { code: 'BadParameter', message: 'bad request' } })
    }
    const value = secrets[match[1]!]
    if (value === undefined) {
      return send(404, { error: { code: 'SecretNotFound', message: 'not found' } })
    }
    send(200, { value, id: `${url.origin}/secrets/${match[1]}/abc`, attributes: { enabled: true } })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => server.close() && server.closeAllConnections(),
  }
}

/** The HttpClient contract's behaviour that this adapter relies on: 401 → refresh once. */
const contractHttp: KeyVaultHttp = {
  async request(req) {
    const send = async () =>
      fetch(req.url, {
        method: req.method,
        headers: { ...req.headers, authorization: await req.auth!.header() },
      })
    let res = await send()
    if (res.status === 401) {
      await req.auth!.refresh()
      res = await send()
    }
    const body = await res.text()
    if (res.status === 401 || res.status === 403)
      throw new RemoteAuthError('auth', { status: res.status })
    if (res.status >= 400) throw new RemoteRejectedError('rejected', { status: res.status })
    return { status: res.status, json: <T>() => JSON.parse(body) as T }
  },
}

let close: (() => void) | undefined
afterEach(() => close?.())

describe('Key Vault client', () => {
  it('gets a secret with a bearer token and the 7.4 API; undefined when missing', async () => {
    const vault = await startFakeVault({ 'bot-password': 'pw-1' }, () => 'token-1')
    close = vault.close
    const client = createKeyVaultClient({
      vaultUrl: `${vault.url}/`,
      tokenProvider: async () => 'token-1',
      http: contractHttp,
    })
    expect(await client.getSecret('bot-password')).toBe('pw-1')
    expect(await client.getSecret('nope')).toBeUndefined()
    expect(vault.seen[0]).toBe('GET /secrets/bot-password?api-version=7.4')
  })

  it('asks the token provider for a fresh token after a 401', async () => {
    let current = 'new-token'
    const vault = await startFakeVault({ s: 'v' }, () => current)
    close = vault.close
    const calls: Array<boolean | undefined> = []
    const client = createKeyVaultClient({
      vaultUrl: vault.url,
      tokenProvider: async (options) => {
        calls.push(options?.forceRefresh)
        return options?.forceRefresh ? 'new-token' : 'stale-token'
      },
      http: contractHttp,
    })
    expect(await client.getSecret('s')).toBe('v')
    expect(calls).toEqual([undefined, true])
    current = 'rotated'
    await expect(client.getSecret('s')).rejects.toThrow(RemoteAuthError)
  })

  it('refuses names that are not Key Vault names before any request', async () => {
    const client = createKeyVaultClient({
      vaultUrl: 'https://v.vault.azure.net',
      tokenProvider: async () => 't',
      http: contractHttp,
    })
    await expect(client.getSecret('../keys/x')).rejects.toThrow(InvalidInputError)
  })
})
