import { describe, expect, it } from 'vitest'

import { WriteBatches } from './write-batches.ts'

describe('WriteBatches', () => {
  it('writes once at a time; calls made meanwhile share the next write, each gets its slice', async () => {
    const writes: number[][] = []
    const batches = new WriteBatches(async (items: readonly number[]) => {
      writes.push([...items])
      await new Promise((resolve) => setTimeout(resolve, 5))
      return items.map((n) => n * 10)
    })
    const results = await Promise.all([
      batches.submit([1]),
      batches.submit([2, 3]),
      batches.submit([4]),
    ])
    expect(writes).toEqual([[1], [2, 3, 4]])
    expect(results).toEqual([[10], [20, 30], [40]])
  })

  it('fails every caller of a failed write, and writes the next batch all the same', async () => {
    let calls = 0
    const batches = new WriteBatches(async (items: readonly string[]) => {
      calls += 1
      await new Promise((resolve) => setTimeout(resolve, 5))
      if (calls === 2) throw new Error('connection lost')
      return [...items]
    })
    const first = batches.submit(['a'])
    const second = batches.submit(['b'])
    const third = batches.submit(['c'])
    await expect(first).resolves.toEqual(['a'])
    await expect(second).rejects.toThrow('connection lost')
    await expect(third).rejects.toThrow('connection lost')
    await expect(batches.submit(['d'])).resolves.toEqual(['d'])
  })
})
