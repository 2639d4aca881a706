import type { FastifyRequest } from 'fastify'

import { badRequest } from './graph-error.ts'

/** The OData `$` options of a request; rejects the ones this endpoint does not support. */
export function queryOptions(
  req: FastifyRequest,
  supported: readonly string[],
): Map<string, string> {
  const query = new URLSearchParams(req.url.split('?')[1] ?? '')
  const options = new Map<string, string>()
  for (const [name, value] of query) {
    if (!name.startsWith('$')) continue
    const lower = name.toLowerCase()
    if (lower !== '$skiptoken' && !supported.includes(lower)) {
      throw badRequest(`Query option '${name}' is not supported for this request.`)
    }
    options.set(lower, value)
  }
  return options
}

/** `$top` within 1..max, as the Teams APIs check it. */
export function topOf(options: Map<string, string>, fallback: number, max: number): number {
  const raw = options.get('$top')
  if (raw === undefined) return fallback
  const top = Number(raw)
  if (!Number.isInteger(top) || top < 1 || top > max) {
    throw badRequest(
      `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`,
    )
  }
  return top
}

export interface Page<T> {
  items: T[]
  nextLink: string | undefined
}

/**
 * Keyset paging over items already sorted by `keyOf` descending: the skiptoken remembers the
 * last key served, so items added meanwhile do not shift later pages.
 */
export function keysetPage<T>(
  req: FastifyRequest,
  baseUrl: string,
  sorted: readonly T[],
  keyOf: (item: T) => string,
  top: number,
  options: Map<string, string>,
): Page<T> {
  const token = options.get('$skiptoken')
  let after: string | undefined
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8')
    if (!after.startsWith('k|')) throw badRequest('The $skiptoken is not valid.')
    after = after.slice(2)
  }
  const remaining = after === undefined ? sorted : sorted.filter((item) => keyOf(item) < after!)
  const items = remaining.slice(0, top)
  const last = items.at(-1)
  const nextLink =
    remaining.length > top && last !== undefined
      ? withSkipToken(req, baseUrl, Buffer.from(`k|${keyOf(last)}`).toString('base64url'))
      : undefined
  return { items, nextLink }
}

/** Offset paging (users, mail), with the offset hidden in an opaque skiptoken. */
export function offsetPage<T>(
  req: FastifyRequest,
  baseUrl: string,
  all: readonly T[],
  top: number,
  options: Map<string, string>,
): Page<T> {
  const token = options.get('$skiptoken')
  let offset = Number(options.get('$skip') ?? 0)
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8')
    offset = Number(decoded.slice(2))
    if (!decoded.startsWith('o|') || !Number.isInteger(offset)) {
      throw badRequest('The $skiptoken is not valid.')
    }
  }
  const items = all.slice(offset, offset + top)
  const nextLink =
    offset + top < all.length
      ? withSkipToken(req, baseUrl, Buffer.from(`o|${offset + top}`).toString('base64url'), true)
      : undefined
  return { items, nextLink }
}

/** The request URL again, absolute, with `$skiptoken` replaced (and `$skip` dropped). */
function withSkipToken(
  req: FastifyRequest,
  baseUrl: string,
  token: string,
  dropSkip = false,
): string {
  const [path = '', query = ''] = req.url.split('?')
  const params = new URLSearchParams(query)
  params.delete('$skiptoken')
  if (dropSkip) params.delete('$skip')
  params.set('$skiptoken', token)
  const origin = new URL(baseUrl).origin
  return `${origin}${path}?${params.toString().replaceAll('%24', '$')}`
}

export interface CollectionBody<T> {
  '@odata.context': string
  '@odata.nextLink'?: string
  value: T[]
}

export function collection<T>(context: string, page: Page<T>): CollectionBody<T> {
  return {
    '@odata.context': context,
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
    value: page.items,
  }
}
