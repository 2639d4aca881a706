import { type SelectQueryBuilder, sql } from 'kysely'

import type { Page, PageQuery, Position } from '../../../core/model/page.ts'
import type { Codec } from '../codec.ts'

/**
 * Orders by (created_at, id) in the query's direction, starts after its position and reads one
 * row more than a page, so `toPage` knows whether another page follows. Row values compare
 * lexicographically on both dialects, and the (…, created_at, id) indexes serve them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function keyset<QB extends SelectQueryBuilder<any, any, any>>(
  qb: QB,
  query: PageQuery,
  codec: Codec,
): QB {
  let q = qb
    .orderBy(sql.ref('created_at'), query.order)
    .orderBy(sql.ref('id'), query.order)
    .limit(query.take + 1)
  if (query.after) {
    const op = sql.raw(query.order === 'desc' ? '<' : '>')
    q = q.where(
      sql<boolean>`(created_at, id) ${op} (${codec.date(query.after.createdAt)}, ${query.after.id})`,
    )
  }
  return q as QB
}

export function toPage<T extends { readonly createdAt: Date; readonly id: string }>(
  items: readonly T[],
  query: PageQuery,
): Page<T> {
  if (items.length <= query.take) return { items }
  const page = items.slice(0, query.take)
  const last = page[page.length - 1]!
  const next: Position = { createdAt: last.createdAt, id: last.id }
  return { items: page, next }
}
