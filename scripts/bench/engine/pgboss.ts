// pg-boss 12, the PostgreSQL job queue a TypeScript team would pick: its own schema in a throwaway
// database; each job sends the next (the chain: job i sends job i+1; the fan-out: A sends its 20
// B's in one `insert`; the fan-in: each B decrements its run's row in `bench_fanin`, and the B that
// brings it to 0 sends C).
// The path, pg-boss's fastest that stays correct when a job runs twice:
// - transactional workers (`work(…, { transactional: true })`): a batch's handler, the jobs it sends
//   (`{ db: tx }`), its fan-in decrements and the batch's completion commit in one transaction, so a
//   crash or a retry can neither lose a successor nor count a B twice (with a plain worker the
//   completion is a transaction of its own after the handler's, and a B retried after its decrement
//   committed would decrement again). One commit per batch instead of two: plain workers, tried
//   here, were slower in W2 and no faster in W1;
// - LISTEN/NOTIFY (`useListenNotify`, queues created with `notify: true`): a send wakes the workers
//   at its commit instead of at their next poll; polling at its minimum (0.5 s) is only the backstop;
// - batches of 10 (`batchSize`), enough workers (`localConcurrency`) for the bench's jobs at once,
//   fetching again at once while batches come back full (`burstWhenBatchFull`);
// - no transaction bound (`transactionTimeoutSeconds: 0`): the default costs one more statement per
//   batch to set a server-side timeout that only matters for a handler that hangs.
import { type Db, type Job, type JobInsert, PgBoss } from 'pg-boss'
import type { Probe } from './probe.ts'
import { createThrowawayDatabase } from './services.ts'
import { chainLength, type Engine, fanWidth } from './workloads.ts'

interface BossJob {
  run: string
  /** W1: the step's place in the chain. W2: 0 is A, 1–20 the B's, 21 is C. */
  i: number
}

const batchSize = 10

export async function openPgboss(probe: Probe, settings: { concurrency: number }): Promise<Engine> {
  const database = await createThrowawayDatabase('pgboss')
  const workers = Math.max(1, Math.ceil(settings.concurrency / batchSize))
  // A transactional worker holds a connection for its whole batch: two queues' workers, plus the
  // fetches, the listener and the bench's own sends.
  const boss = new PgBoss({
    connectionString: database.url,
    max: 2 * workers + 6,
    useListenNotify: true,
    schedule: false,
  })
  let failure: Error | undefined
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error))
  }
  boss.on('error', fail)

  const w1 = async (jobs: Job<BossJob>[], tx: Db) => {
    const next: JobInsert<BossJob>[] = []
    for (const { data } of jobs) {
      probe.step(data.run, data.i, data.i === chainLength - 1)
      if (data.i + 1 < chainLength) next.push({ data: { run: data.run, i: data.i + 1 } })
    }
    if (next.length > 0) await boss.insert('w1', next, { db: tx })
  }

  const w2 = async (jobs: Job<BossJob>[], tx: Db) => {
    const next: JobInsert<BossJob>[] = []
    const started: string[] = []
    const finishedBs = new Map<string, number>()
    for (const { data } of jobs) {
      probe.step(data.run, data.i, data.i === fanWidth + 1)
      if (data.i === 0) {
        started.push(data.run)
        for (let b = 1; b <= fanWidth; b++) next.push({ data: { run: data.run, i: b } })
      } else if (data.i <= fanWidth) finishedBs.set(data.run, (finishedBs.get(data.run) ?? 0) + 1)
    }
    if (started.length > 0)
      await tx.executeSql('insert into bench_fanin (run_id, remaining) select unnest($1::text[]), $2::int', [
        started,
        fanWidth,
      ])
    // Runs in one order in every batch: two batches holding B's of the same two runs would otherwise
    // wait for each other's row lock.
    for (const run of [...finishedBs.keys()].sort()) {
      const { rows } = await tx.executeSql(
        'update bench_fanin set remaining = remaining - $2 where run_id = $1 returning remaining',
        [run, finishedBs.get(run)],
      )
      if (rows[0]?.remaining === 0) {
        // Gone with its run: the next W2 round uses the same run keys.
        await tx.executeSql('delete from bench_fanin where run_id = $1', [run])
        next.push({ data: { run, i: fanWidth + 1 } })
      }
    }
    if (next.length > 0) await boss.insert('w2', next, { db: tx })
  }

  const close = async () => {
    try {
      await boss.stop({ graceful: true, close: true, timeout: 5000 })
    } finally {
      await database.drop()
    }
  }
  try {
    await boss.start()
    await boss
      .getDb()
      .executeSql('create table bench_fanin (run_id text primary key, remaining int not null)')
    for (const name of ['w1', 'w2']) {
      // One attempt, as every other engine here: a failure shows up instead of being retried.
      await boss.createQueue(name, { notify: true, retryLimit: 0 })
    }
    const options = {
      transactional: true,
      transactionTimeoutSeconds: 0,
      batchSize,
      localConcurrency: workers,
      pollingIntervalSeconds: 0.5,
      notifyPollingIntervalSeconds: 0.5,
      burstWhenBatchFull: true,
    } as const
    const failing =
      (handler: (jobs: Job<BossJob>[], tx: Db) => Promise<void>) => async (jobs: Job<BossJob>[], tx: Db) => {
        try {
          await handler(jobs, tx)
        } catch (error) {
          fail(error)
          throw error
        }
      }
    await boss.work<BossJob, void, typeof options>('w1', options, failing(w1))
    await boss.work<BossJob, void, typeof options>('w2', options, failing(w2))
  } catch (error) {
    await close()
    throw error
  }
  const check = () => {
    if (failure) throw failure
  }
  return {
    label: 'pg-boss',
    async chain(index) {
      const run = `w1-${index}`
      await boss.send('w1', { run, i: 0 })
      await probe.waitFor(run)
      check()
    },
    async fan(index) {
      const run = `w2-${index}`
      await boss.send('w2', { run, i: 0 })
      await probe.waitFor(run)
      check()
    },
    close,
  }
}
