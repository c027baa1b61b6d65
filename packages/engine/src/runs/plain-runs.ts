import { json, prepared } from '@steward/db'
import { sql } from 'kysely'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { GroupCommit, groupOrEach } from '../worker/group-commit.ts'

/** A run that needs no transaction: no idempotency key, backfill or partition; params already checked. */
export interface PlainRun {
  runId: string
  pipelineId: string
  trigger: string
  triggerDetail: Record<string, unknown> | undefined
  params: Record<string, unknown>
}

/**
 * Plain runs: inserts runs and their step runs in ONE statement that also reads their pipelines,
 * answering per run, in order.
 *
 *   Input
 *     runs[i]      a new run's id, its pipeline, trigger (and detail) and params, already checked
 *   Output, per run
 *     StepToEnqueue[]   its first steps, `queued` (attempt 1): enqueue them after commit
 *     undefined         its pipeline is missing, archived, limited (`maxConcurrentRuns`) or
 *                       partitioned: nothing was written; the run takes the full path in a
 *                       transaction (`createRunIn`), which also says what is wrong
 *   Writes
 *     runs         one row, `queued`, at the pipeline's current version
 *     step_runs    one per step of that version: `queued` if it needs nothing, else `pending`;
 *                  `max_attempts` = retries + 1
 *   Locks
 *     none but those of its inserts: each run's pipeline and product `FOR KEY SHARE` (their foreign
 *     keys), each new run likewise for its step runs (README.md, "Locks")
 *   Keeps
 *     a run and all its step runs appear at once; a step that needs nothing is ready from the
 *     start (the readiness rule, `store/readiness.ts`), the others wait `pending` for their needs
 *   Caller holds
 *     nothing. Only for runs with no idempotency key, backfill or partition: those need the
 *     transaction's checks and locks. Params are checked by the caller (with the code at hand)
 *   Layout
 *     pipelines by id; runs and step runs inserted (README.md, "Layout")
 */
export async function insertPlainRuns(
  db: Db,
  runs: readonly PlainRun[],
): Promise<(StepToEnqueue[] | undefined)[]> {
  if (runs.length === 0) return []
  const { rows } = await sql<{
    run_id: string
    roots: { id: string; step_id: string }[]
  }>`${sql.raw(prepared)}
    with input as (
      select * from unnest(
        ${runs.map((run) => run.runId)}::uuid[],
        ${runs.map((run) => run.pipelineId)}::text[],
        ${runs.map((run) => run.trigger)}::text[],
        ${runs.map((run) => (run.triggerDetail === undefined ? null : json(run.triggerDetail)))}::text[],
        ${runs.map((run) => json(run.params))}::text[]
      ) as t (run_id, pipeline_id, trigger, trigger_detail, params)
    ),
    pipeline as (
      select i.*, p.product_id, p.version, p.steps
      from input i
      join pipelines p on p.id = i.pipeline_id
      where p.archived_at is null and p.max_concurrent_runs is null and p.partitions is null
    ),
    run as (
      insert into runs (id, pipeline_id, product_id, pipeline_version, status, trigger, trigger_detail, params)
      select run_id, pipeline_id, product_id, version, 'queued', trigger, trigger_detail::jsonb, params::jsonb
      from pipeline
      returning id
    ),
    steps as (
      insert into step_runs (id, run_id, step_id, status, queued_at, needs, max_attempts)
      select gen_random_uuid(), p.run_id, s.step ->> 'id',
        case when jsonb_array_length(s.step -> 'needs') = 0 then 'queued' else 'pending' end,
        case when jsonb_array_length(s.step -> 'needs') = 0 then now() end,
        array(select jsonb_array_elements_text(s.step -> 'needs')),
        (s.step ->> 'retries')::int + 1
      from pipeline p
      join run r on r.id = p.run_id
      cross join jsonb_array_elements(p.steps) as s (step)
      returning id, run_id, step_id, status
    )
    select p.run_id,
      (
        select coalesce(jsonb_agg(jsonb_build_object('id', s.id, 'step_id', s.step_id)), '[]'::jsonb)
        from steps s
        where s.run_id = p.run_id and s.status = 'queued'
      ) as roots
    from pipeline p
  `.execute(db)
  const byRun = new Map(rows.map((row) => [row.run_id, row]))
  return runs.map((run) =>
    byRun.get(run.runId)?.roots.map((root) => ({
      runId: run.runId,
      stepRunId: root.id,
      stepId: root.step_id,
      pipelineId: run.pipelineId,
      attempt: 1,
      delayMs: 0,
    })),
  )
}

/** Plain runs started together (an API under load, a burst of schedules) share one statement. */
const groups = new WeakMap<Db, GroupCommit<PlainRun, StepToEnqueue[] | undefined>>()

/** `insertPlainRuns` for one run, in a group with the runs other callers insert at the same time. */
export function insertPlainRun(db: Db, run: PlainRun): Promise<StepToEnqueue[] | undefined> {
  // A transaction's statements are its own: no group across callers.
  if (db.isTransaction) return insertPlainRuns(db, [run]).then((answers) => answers[0])
  let group = groups.get(db)
  if (!group) {
    group = new GroupCommit((runs) => groupOrEach(runs, (some) => insertPlainRuns(db, some)), {
      maxGroup: 64,
      maxInFlight: 2,
    })
    groups.set(db, group)
  }
  return group.submit(run)
}
