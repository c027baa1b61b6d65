import { json, type PartitionSpec, type Run } from '@steward/db'
import { mapPartition, scheduledPartitions } from '@steward/pipelines'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import { createRunIn } from '../runs/create-run.ts'
import { runPartition } from '../runs/run-partition.ts'
import type { Db } from '../store/db.ts'

/**
 * Upstream triggers: when `run` succeeds, runs (trigger `upstream`) of every active pipeline whose
 * `triggers` hold `{ kind: 'upstream', pipeline: <run's pipeline> }`, created in the finishing
 * transaction so a crash cannot lose them. Their params are `{}` (defaults); a pipeline whose
 * params need more fails its run at once with `PARAMS_INVALID`, where people see it.
 *
 * Partitions map across the trigger: when both pipelines are partitioned, the follower runs each
 * of its partitions that the finished one maps onto, once *all* the upstream partitions it maps
 * back to have succeeded (a week runs after its seventh day, not before). A follower with
 * partitions after an unpartitioned pipeline builds its latest complete window (static: every key).
 * A backfill's runs trigger followers only when the backfill cascades (`--with-downstream`); the
 * followers' runs then belong to a child backfill.
 */
export async function createDownstreamRuns(trx: Db, run: Run): Promise<StepToEnqueue[]> {
  const cascade = run.backfill_id === null ? undefined : await cascadeOf(trx, run.backfill_id)
  if (run.backfill_id !== null && !cascade) return []
  const followers = await trx
    .selectFrom('pipelines')
    .select(['id', 'partitions'])
    .where('archived_at', 'is', null)
    .where((eb) =>
      eb(
        'triggers',
        '@>',
        eb.cast<unknown[]>(eb.val(json([{ kind: 'upstream', pipeline: run.pipeline_id }])), 'jsonb'),
      ),
    )
    .orderBy('id')
    .execute()
  if (followers.length === 0) return []
  const upstream = await trx
    .selectFrom('pipelines')
    .select('partitions')
    .where('id', '=', run.pipeline_id)
    .executeTakeFirst()
  const enqueue: StepToEnqueue[] = []
  for (const follower of followers) {
    const keys = await followerPartitions(trx, run, upstream?.partitions ?? null, follower.partitions)
    const backfill = cascade ? await childBackfill(trx, cascade, follower.id) : undefined
    for (const key of keys) {
      const created = await createRunIn(trx, {
        pipelineId: follower.id,
        params: {},
        trigger: 'upstream',
        triggerDetail: { upstreamRunId: run.id, upstreamPipelineId: run.pipeline_id },
        skipParamsCheck: true,
        ...(key === null ? {} : { partitionKey: key }),
        ...(backfill ? { backfill } : {}),
        // A run is finished once; the key makes that so even if this transaction were replayed.
        idempotencyKey: key === null ? `upstream:${run.id}` : `upstream:${run.id}:${key}`,
      })
      enqueue.push(...created.enqueue)
      if (backfill && created.created)
        await trx
          .updateTable('backfills')
          .set((eb) => ({ partition_count: eb('partition_count', '+', 1) }))
          .where('id', '=', backfill.id)
          .execute()
    }
  }
  return enqueue
}

/** The partition keys (null: no partition) of the follower's runs that `run`'s success starts. */
async function followerPartitions(
  trx: Db,
  run: Run,
  upstream: PartitionSpec | null,
  follower: PartitionSpec | null,
): Promise<(string | null)[]> {
  if (follower === null) return [null]
  const finished = runPartition(upstream, run.partition_key)
  if (upstream === null || !finished) return scheduledPartitions(follower, new Date()).map((p) => p.key)
  const ready: string[] = []
  for (const target of mapPartition(upstream, finished, follower)) {
    const needed = mapPartition(follower, target, upstream).map((p) => p.key)
    const others = needed.filter((key) => key !== run.partition_key)
    if (others.length > 0) {
      const done = await trx
        .selectFrom('runs')
        .select('partition_key')
        .distinct()
        .where('pipeline_id', '=', run.pipeline_id)
        .where('status', '=', 'succeeded')
        .where('partition_key', 'in', others)
        .execute()
      if (done.length < others.length) continue
    }
    ready.push(target.key)
  }
  return ready
}

interface Cascade {
  id: string
  concurrency: number
}

async function cascadeOf(trx: Db, backfillId: string): Promise<Cascade | undefined> {
  const backfill = await trx
    .selectFrom('backfills')
    .select(['id', 'concurrency', 'with_downstream'])
    .where('id', '=', backfillId)
    .executeTakeFirst()
  return backfill?.with_downstream ? { id: backfill.id, concurrency: backfill.concurrency } : undefined
}

/** The follower's part of a cascading backfill: made when its first run is, under the same concurrency. */
async function childBackfill(trx: Db, parent: Cascade, pipelineId: string): Promise<Cascade> {
  const existing = await trx
    .selectFrom('backfills')
    .select(['id', 'concurrency', 'status'])
    .where('parent_id', '=', parent.id)
    .where('pipeline_id', '=', pipelineId)
    .executeTakeFirst()
  if (existing?.status === 'succeeded' || existing?.status === 'failed') {
    // Settled a moment ago, in this transaction, when its parent's last run freed its slot (the
    // slot is freed before followers are created): it has work again.
    await trx
      .updateTable('backfills')
      .set({ status: 'running', finished_at: null })
      .where('id', '=', existing.id)
      .execute()
  }
  if (existing) return { id: existing.id, concurrency: existing.concurrency }
  const id = crypto.randomUUID()
  await trx
    .insertInto('backfills')
    .values({
      id,
      pipeline_id: pipelineId,
      concurrency: parent.concurrency,
      with_downstream: true,
      parent_id: parent.id,
    })
    .execute()
  return { id, concurrency: parent.concurrency }
}
