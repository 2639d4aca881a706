/**
 * Keyset pagination over records ordered by creation time then id: stable while rows are
 * added, and a cursor is a position, not an offset.
 */
export type SortOrder = 'asc' | 'desc'

export interface Position {
  readonly createdAt: Date
  readonly id: string
}

export interface PageQuery {
  readonly order: SortOrder
  /** At most this many items. */
  readonly take: number
  /** Start after this record (in `order`). */
  readonly after?: Position
}

export interface Page<T> {
  readonly items: readonly T[]
  /** The last item's position when more items follow; absent on the last page. */
  readonly next?: Position
}
