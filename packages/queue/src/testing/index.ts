// Test helpers for the suites that run on both queue backends (engine, alerts).

import type { QueueBackendKind } from '../queue-backend.ts'
import { openRedisClient, primaries } from '../redis/redis-client.ts'

/** Tests only: the machine's Redis. */
export const testRedisUrl = process.env.STEWARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The queue backends a suite runs on: both, unless STEWARD_TEST_QUEUE names one. */
export type TestQueueKind = QueueBackendKind

export const testQueueKinds: TestQueueKind[] = (['redis', 'postgres'] as const).filter(
  (kind) => !process.env.STEWARD_TEST_QUEUE || process.env.STEWARD_TEST_QUEUE === kind,
)

/** How many keys the Redis at `url` holds (DBSIZE): proof that a refused start wrote nothing. */
export async function redisKeyCount(url: string): Promise<number> {
  const client = openRedisClient(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await client.connect()
    let keys = 0
    for (const node of primaries(client)) keys += await node.dbsize()
    return keys
  } finally {
    client.disconnect()
  }
}
export { type LocalRedisCluster, startRedisCluster } from './redis-cluster.ts'
