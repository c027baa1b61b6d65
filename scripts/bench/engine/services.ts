// The machine's Redis and PostgreSQL, and cleaning up after the benchmark on both.
import { randomBytes } from 'node:crypto'
import { testPostgresUrl } from '@steward/db/testing'
import { deleteQueueKeys } from '@steward/queue'
import { Redis } from 'ioredis'
import pg from 'pg'

const redisSetting = 'STEWARD_TEST_REDIS_URL'
/** The Redis the tests use (STEWARD_TEST_REDIS_URL), else REDIS_URL, else this machine's. */
export const redisUrl = process.env[redisSetting] ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export { testPostgresUrl }

/** Deletes every key under `prefix` (SCAN, never KEYS); answers how many. */
export function deleteKeys(prefix: string): Promise<number> {
  return deleteQueueKeys(redisUrl, prefix)
}

/** Redis answers and keeps every key (`noeviction`), or the reason it cannot be used. */
export async function redisProblem(): Promise<string | undefined> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await redis.connect()
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown
    const policy = Array.isArray(answer) ? answer[1] : undefined
    return policy === undefined || policy === 'noeviction'
      ? undefined
      : `maxmemory-policy is ${String(policy)}`
  } catch (error) {
    return `Redis at ${redisUrl}: ${(error as Error).message}`
  } finally {
    redis.disconnect()
  }
}

export interface ThrowawayDatabase {
  url: string
  drop(): Promise<void>
}

/** An empty database of its own on the machine's PostgreSQL, dropped (with force) by `drop()`. */
export async function createThrowawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const name = `steward_bench_${label}_${randomBytes(4).toString('hex')}`
  await admin((client) => client.query(`create database ${name}`))
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)),
  }
}

async function admin(query: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl })
  await client.connect()
  try {
    await query(client)
  } finally {
    await client.end()
  }
}
