import {
  createPostgresBackend,
  type Processor,
  type Queue,
  quoteSchemaName,
  type Worker,
  withBackend,
} from 'bullmq'
import pg from 'pg'
import { queueSchema } from '../queue-backend.ts'
import type { WorkerSettings } from './worker-settings.ts'

/**
 * A queue on BullMQ's PostgreSQL backend: its tables and functions live in the schema
 * of the queue prefix (`{steward}` → `steward_queue`) of the database at `url`, created or
 * upgraded by BullMQ's own migrations on first connect (`migrate: true`: idempotent, serialised by
 * a transaction-scoped advisory lock, so any number of processes may start at once).
 */
const postgres = withBackend(createPostgresBackend)

function connection(url: string, prefix: string, max: number) {
  return { connectionString: url, schema: queueSchema(prefix), migrate: true, max }
}

export function openPostgresQueue<D>(url: string, name: string, prefix: string): Queue<D, unknown, string> {
  const queue = new postgres.Queue<D, unknown, string>(name, {
    connection: connection(url, prefix, 4),
  })
  // Same jobs, same API: only the backend type parameter differs from the Redis-typed queue.
  return queue as unknown as Queue<D, unknown, string>
}

export function openPostgresWorker<D>(
  url: string,
  processor: Processor<D, unknown, string>,
  settings: WorkerSettings,
): Worker<D, unknown, string> {
  const worker = new postgres.Worker<D, unknown, string>(settings.name, processor, {
    // One pooled connection per job in flight, plus room for the lock renewals and stall checks.
    connection: connection(url, settings.prefix, Math.min(settings.concurrency + 2, 20)),
    concurrency: settings.concurrency,
    autorun: true,
    ...settings.lock,
  })
  return worker as unknown as Worker<D, unknown, string>
}

/** Drops the queue's schema (every job, scheduler and event): an install's or a test's clean-up. */
export async function dropPostgresQueue(url: string, prefix: string): Promise<number> {
  return withClient(url, async (client) => {
    const schema = queueSchema(prefix)
    const found = await client.query('select 1 from pg_namespace where nspname = $1', [schema])
    if (found.rowCount === 0) return 0
    await client.query(`drop schema ${quoteSchemaName(schema)} cascade`)
    return 1
  })
}

/**
 * Deletes the queue's job rows and job schedulers and leaves its tables: the PostgreSQL analogue of
 * a Redis FLUSHALL, for tests that prove the reconciler restores what the queue lost. Answers how
 * many jobs it deleted.
 */
export async function deletePostgresJobs(url: string, prefix: string): Promise<number> {
  return withClient(url, async (client) => {
    const schema = quoteSchemaName(queueSchema(prefix))
    await client.query(`delete from ${schema}.scheduler`)
    const deleted = await client.query(`delete from ${schema}.job`)
    return deleted.rowCount ?? 0
  })
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await use(client)
  } finally {
    await client.end()
  }
}
