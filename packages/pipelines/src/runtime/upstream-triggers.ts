import { json, type Run } from '@steward/db'
import { createRunIn } from './create-run.ts'
import type { Db } from './db.ts'
import type { StepToEnqueue } from './queues.ts'

/**
 * Upstream triggers: when `run` succeeds, one run (trigger `upstream`) of every active pipeline
 * whose `triggers` hold `{ kind: 'upstream', pipeline: <run's pipeline> }`, created in the
 * finishing transaction so a crash cannot lose them. Their params are `{}` (defaults); a pipeline
 * whose params need more fails its run at once with `PARAMS_INVALID`, where people see it.
 */
export async function createDownstreamRuns(trx: Db, run: Run): Promise<StepToEnqueue[]> {
  const followers = await trx
    .selectFrom('pipelines')
    .select('id')
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
  const enqueue: StepToEnqueue[] = []
  for (const follower of followers) {
    const created = await createRunIn(trx, {
      pipelineId: follower.id,
      params: {},
      trigger: 'upstream',
      triggerDetail: { upstreamRunId: run.id, upstreamPipelineId: run.pipeline_id },
      skipParamsCheck: true,
      // A run is finished once; the key makes that so even if this transaction were replayed.
      idempotencyKey: `upstream:${run.id}`,
    })
    enqueue.push(...created.enqueue)
  }
  return enqueue
}
