import { describe, expect, it } from 'vitest'

import { GroupCommit } from './group-commit.ts'

describe('GroupCommit', () => {
  it('writes calls made in the same turn as one batch and gives each caller its own results', async () => {
    const batches: number[][] = []
    const commit = new GroupCommit<number, string>((items) => {
      batches.push([...items])
      return items.map((n) => `#${n}`)
    })
    const results = await Promise.all([
      commit.submit([1, 2]),
      commit.submit([3]),
      commit.submit([4, 5, 6]),
    ])
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]])
    expect(results).toEqual([['#1', '#2'], ['#3'], ['#4', '#5', '#6']])
  })

  it('batches callers that come back after their previous commit', async () => {
    const sizes: number[] = []
    const commit = new GroupCommit<number, number>((items) => {
      sizes.push(items.length)
      return [...items]
    })
    await Promise.all(
      Array.from({ length: 50 }, async (_, caller) => {
        for (let i = 0; i < 4; i += 1) await commit.submit([caller])
      }),
    )
    expect(sizes).toEqual([50, 50, 50, 50])
  })

  it('rejects every caller of a failed batch, and the next batch starts clean', async () => {
    let fail = true
    let afterCommits = 0
    const commit = new GroupCommit<number, number>(
      (items) => {
        if (fail) throw new Error('disk full')
        return [...items]
      },
      { afterCommit: () => (afterCommits += 1) },
    )
    const failed = await Promise.allSettled([commit.submit([1]), commit.submit([2])])
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    fail = false
    expect(await commit.submit([3])).toEqual([3])
    expect(afterCommits).toBe(1)
  })

  it('flush() commits at once what is waiting', async () => {
    const commit = new GroupCommit<number, number>((items) => [...items])
    const pending = commit.submit([7])
    expect(commit.pending).toBe(1)
    commit.flush()
    expect(commit.pending).toBe(0)
    expect(await pending).toEqual([7])
  })

  it('hands results out only once the batch is durable, and fails the batch if that fails', async () => {
    let makeDurable: (() => void) | undefined
    let failSync = false
    const commit = new GroupCommit<number, number>((items) => [...items], {
      durable: () =>
        failSync
          ? Promise.reject(new Error('fsync failed'))
          : new Promise<void>((resolve) => (makeDurable = resolve)),
    })
    let settled = false
    const pending = commit.submit([1]).then((r) => ((settled = true), r))
    commit.flush()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(settled).toBe(false)
    makeDurable?.()
    expect(await pending).toEqual([1])
    failSync = true
    await expect(commit.submit([2])).rejects.toThrow('fsync failed')
  })

  it('tells afterWrite once the batch is written, before it is durable; callers still wait', async () => {
    let makeDurable: (() => void) | undefined
    const events: string[] = []
    const commit = new GroupCommit<number, number>(
      (items) => {
        events.push('write')
        return [...items]
      },
      {
        durable: () => new Promise<void>((resolve) => (makeDurable = resolve)),
        afterWrite: () => events.push('afterWrite'),
        afterCommit: () => events.push('afterCommit'),
      },
    )
    const pending = commit.submit([1]).then((r) => (events.push('resolved'), r))
    commit.flush()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(events).toEqual(['write', 'afterWrite'])
    makeDurable?.()
    expect(await pending).toEqual([1])
    expect(events).toEqual(['write', 'afterWrite', 'afterCommit', 'resolved'])
  })

  it('does not tell afterWrite of a batch whose write failed', async () => {
    let afterWrites = 0
    const commit = new GroupCommit<number, number>(
      () => {
        throw new Error('disk full')
      },
      { afterWrite: () => (afterWrites += 1) },
    )
    await expect(commit.submit([1])).rejects.toThrow('disk full')
    expect(afterWrites).toBe(0)
  })
})
