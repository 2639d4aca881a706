import { Writable } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { createLogger } from './create-logger.ts'
import { lazyChild } from './lazy-child.ts'

function capture(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  return { lines, log: createLogger({ level, destination: destination as never }) }
}

describe('lazyChild', () => {
  it('writes its lines with the bindings, as a child would', async () => {
    const { lines, log } = capture('info')
    const child = lazyChild(log, { jobId: '7', task: 'x' })
    child.info({ n: 1 }, 'first')
    child.warn({ n: 2 }, 'second')
    child.child({ part: 2 }).error({}, 'third')
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines.map(({ time: _time, ...rest }) => rest)).toEqual([
      { level: 30, jobId: '7', task: 'x', n: 1, msg: 'first' },
      { level: 40, jobId: '7', task: 'x', n: 2, msg: 'second' },
      { level: 50, jobId: '7', task: 'x', part: 2, msg: 'third' },
    ])
  })

  it('makes no child for lines below the level', () => {
    const { log } = capture('info')
    let children = 0
    const counting = Object.assign(Object.create(log) as typeof log, {
      child: (bindings: Record<string, unknown>) => {
        children += 1
        return log.child(bindings)
      },
    })
    const child = lazyChild(counting, { jobId: '1' })
    child.debug({}, 'dropped')
    child.trace({}, 'dropped')
    expect(children).toBe(0)
    child.info({}, 'written')
    child.info({}, 'written again')
    expect(children).toBe(1)
  })

  it('passes debug lines on when the level allows them', async () => {
    const { lines, log } = capture('debug')
    lazyChild(log, { jobId: '2' }).debug({}, 'kept')
    await new Promise((resolve) => setImmediate(resolve))
    expect(lines).toMatchObject([{ level: 20, jobId: '2', msg: 'kept' }])
  })

  it('redacts secrets in its bindings like any child', async () => {
    const { lines, log } = capture('info')
    lazyChild(log, { password: 'hunter2-secret' }).info({}, 'x')
    await new Promise((resolve) => setImmediate(resolve))
    expect(JSON.stringify(lines)).not.toContain('hunter2-secret')
  })
})
