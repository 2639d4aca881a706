import { uuidV7 } from '../../ids/uuid-v7.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Job ids are UUIDv7s made in order: pg-boss's `key_strict_fifo` breaks `created_on` ties by id,
 * and every job of one enqueue shares `created_on` (one transaction), so this is what keeps a
 * batch in order.
 */
export const nextJobId = uuidV7

/** Ids are pg-boss job ids (uuids); anything else names no job. */
export function isJobId(id: string): boolean {
  return UUID.test(id)
}
