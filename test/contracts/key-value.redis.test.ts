import { setTimeout as sleep } from 'node:timers/promises'

import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { createRedisKeyValueStore } from '../../src/infra/key-value/redis-key-value.ts'
import { uniqueKeyPrefix, useTestRedisPair } from '../support/redis.ts'
import { describeKeyValueContract } from './key-value.contract.ts'

const keyPrefix = uniqueKeyPrefix('key-value')
const connections = useTestRedisPair(keyPrefix)

// Two connections stand for two processes; expiry is Redis's own, in real time.
describeKeyValueContract('redis', async () => {
  const [first, second] = connections()
  return {
    kv: createRedisKeyValueStore({ redis: first, keyPrefix }),
    peer: createRedisKeyValueStore({ redis: second, keyPrefix }),
    clock: systemClock,
    advance: (ms) => sleep(ms),
    close: async () => {},
  }
})
