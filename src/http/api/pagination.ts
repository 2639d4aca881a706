import { z } from 'zod'

import { InvalidInputError } from '../../core/errors.ts'
import type { Page, PageQuery, Position, SortOrder } from '../../core/model/page.ts'

export const DEFAULT_TAKE = 20
export const MAX_TAKE = 100

/** The query parameters every list shares (querystring values arrive as strings). */
export const pageQueryShape = {
  order: z
    .enum(['asc', 'desc'])
    .optional()
    .describe('newest first (desc, the default) or oldest first (asc)'),
  take: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_TAKE)
    .optional()
    .describe(`items per page, 1-${MAX_TAKE} (default ${DEFAULT_TAKE})`),
  cursor: z
    .string()
    .max(512)
    .optional()
    .describe('the `cursor` of the previous page, as it was returned'),
}

const cursorBody = z
  .object({
    l: z.string(),
    o: z.enum(['asc', 'desc']),
    t: z.number().int().min(0),
    i: z.string().min(1).max(200),
  })
  .strict()

/**
 * Cursors are opaque to clients: base64url JSON of the list they belong to, the order and the
 * last item's position. A cursor of another list or order, or anything else, is a 400.
 */
export function encodeCursor(list: string, order: SortOrder, position: Position): string {
  const body = { l: list, o: order, t: position.createdAt.getTime(), i: position.id }
  return Buffer.from(JSON.stringify(body)).toString('base64url')
}

export function pageQuery(
  list: string,
  query: { order?: SortOrder; take?: number; cursor?: string },
): PageQuery {
  const take = query.take ?? DEFAULT_TAKE
  if (query.cursor === undefined) return { order: query.order ?? 'desc', take }
  const after = decodeCursor(query.cursor)
  if (!after || after.l !== list) throw invalidCursor('is not a cursor of this list')
  if (query.order && query.order !== after.o)
    throw invalidCursor(`was made for order=${after.o}; keep that order or start without a cursor`)
  return { order: after.o, take, after: { createdAt: new Date(after.t), id: after.i } }
}

function decodeCursor(cursor: string) {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined
  try {
    const parsed = cursorBody.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString()))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

const invalidCursor = (why: string) =>
  new InvalidInputError(`cursor: ${why}`, {
    details: { field: 'cursor', errors: [{ field: 'cursor', message: why }] },
  })

/** `{ items, cursor }` with the next page's cursor, or null on the last page. */
export function pageBody<T, U>(
  list: string,
  query: PageQuery,
  page: Page<T>,
  map: (item: T) => U,
): { items: U[]; cursor: string | null } {
  return {
    items: page.items.map(map),
    cursor: page.next ? encodeCursor(list, query.order, page.next) : null,
  }
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    cursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  })
