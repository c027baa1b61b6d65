// The services `npm test` needs: Redis (the one at REDIS_URL, or a local one started here) and
// PostgreSQL (the machine's server; when it does not answer, the suite runs on PGlite alone and
// says so). Returns the environment for the test processes.
import { join } from 'node:path'
import pg from 'pg'
import { ensureRedis } from '../../packages/cli/src/redis/ensure-redis.ts'

const defaultPgUrl = 'postgres://postgres@127.0.0.1:5432/test'

export interface TestServices {
  env: Record<string, string>
  notes: string[]
  stop(): Promise<void>
}

export async function prepareTestServices(root: string): Promise<TestServices> {
  const notes: string[] = []
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379'
  const redis = await ensureRedis(redisUrl, join(root, '.steward', 'test-redis'), (line) =>
    console.log(`› ${line}`),
  )
  if (redis.startedHere) notes.push(`Redis: started a local redis-server at ${redisUrl} for the tests`)

  const pgUrl = process.env.STEWARD_TEST_PG_URL || defaultPgUrl
  const env: Record<string, string> = { REDIS_URL: redisUrl, STEWARD_TEST_PG_URL: pgUrl }
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    console.log(`› postgres: using ${pgUrl.replace(/\/\/[^@/]*@/, '//…@')} and the embedded PGlite`)
  } catch (error) {
    env.STEWARD_TEST_PG = 'off'
    notes.push(
      `PostgreSQL did not answer at STEWARD_TEST_PG_URL (${(error as Error).message}): database tests ran on PGlite only`,
    )
  } finally {
    await client.end().catch(() => {})
  }
  return { env, notes, stop: () => redis.stop() }
}
