import { json, prepared, type Run } from '@steward/db'
import { postgresText } from '@steward/kernel'
import { sql } from 'kysely'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import { admitWaitingRuns } from '../runs/admit-runs.ts'
import { createDownstreamRuns } from '../triggers/upstream-triggers.ts'
import type { ClaimBudget } from '../worker/local-slots.ts'
import {
  type ClaimedStepRow,
  claimedAttempt,
  claimedStepColumns,
  claimSteps,
  openClaimedAttempts,
  upstreamOutputs,
} from './claim-step.ts'
import type { Db } from './db.ts'
import {
  type FinishAttemptInput,
  type FinishedAttempt,
  finishAttemptIn,
  writeRecordsOf,
} from './finish-attempt.ts'
import { lockRun } from './lock-run.ts'
import { readyStep } from './readiness.ts'

/**
 * Group finish: records the ends of several attempts in ONE transaction, with what `finishAttempt`
 * writes for each: the attempt, its logs, metrics and costs, the step run's result, the steps that
 * became ready and the run's end.
 *
 * The common case, attempts that succeeded in runs that are still open, takes a handful of
 * statements for the whole group (`finishSucceeded`). Anything else (failures, retries, cancels,
 * late attempts of ended runs, two ends of one step run) goes through `finishAttemptIn`, one
 * attempt at a time, in the same transaction.
 *
 *   Input
 *     inputs[i]   an attempt's end: `attemptId` of `stepRunId` of `runId` (as claimed), its
 *                 `outcome`, the `records` it buffered, its `backoff`; `staleAfterMs` (the
 *                 reconciler) closes it only if its heartbeat is older
 *     claimFor    optional: claim the steps that became ready for `workerId`, within `budget`
 *                 (taken from as steps are claimed; `LocalSlots.budget`)
 *   Output, per input (`FinishedAttempt`)
 *     recorded    false when the attempt was no longer running: nothing was written for it
 *     enqueue     steps marked `queued` (ready steps, retries with their delay, first steps of runs
 *                 admitted or created): enqueue them after commit
 *     next        with `claimFor`: steps claimed for that worker, to run at once, not enqueued
 *     runStatus   its run's status after the transaction
 *   Writes
 *     attempts closed; logs, metrics, cost entries; step runs' results; ready steps queued or
 *     claimed (their attempts opened); ended runs with their cost (a trigger on `runs`, migration
 *     0021, NOTIFYs `steward_runs_ended` once at commit: the alert evaluators wake); admitted and
 *     downstream runs.
 *     Text from the step goes through `json` / `postgresText` (NUL, lone surrogates as U+FFFD)
 *   Locks
 *     1. the group's runs, `FOR NO KEY UPDATE`, in id order (`lockRuns`): groups on two workers
 *        never deadlock, and each finish sees every earlier finish of its runs;
 *     2. then the rows it updates, admission and idempotency locks (README.md, "Locks")
 *   Keeps
 *     an attempt is closed once; a step becomes ready only when all its needs succeeded
 *     (`readyStep`); a run ends when all its steps succeeded, or as `advanceRun` says
 *   Caller holds
 *     nothing; it opens its own transaction. Retry it on deadlocks (`withTransientRetry`): a
 *     rolled-back try wrote nothing, but it took from `claimFor.budget`
 *   Layout
 *     runs by id; step runs and attempts as `finishSucceeded` and `finishAttemptIn` reach them
 *     (README.md, "Layout")
 *
 * With `claimFor`, the claims save the worker a trip through the queue and a claim of its own; a
 * worker that dies with them is handled like any claimed attempt (their heartbeat stops; the
 * reconciler fails them and they are retried).
 */
export async function finishAttempts(
  db: Db,
  inputs: readonly FinishAttemptInput[],
  claimFor?: ClaimFor,
): Promise<FinishedAttempt[]> {
  if (inputs.length === 0) return []
  return db.transaction().execute(async (trx) => {
    const runIds = [...new Set(inputs.map((input) => input.runId))].sort()
    const { rows: locked } = await lockRuns(trx, runIds)
    const runs = new Map(locked.map((run) => [run.id, run]))
    const isFast = (input: FinishAttemptInput) =>
      input.outcome.status === 'succeeded' && input.staleAfterMs === undefined
    // Two ends of one step run in a group (a late attempt and its retry): one at a time, as the fast
    // path looks outputs up by step run.
    const seen = new Set<string>()
    const twice = new Set<string>()
    for (const input of inputs) {
      if (seen.has(input.stepRunId)) twice.add(input.runId)
      seen.add(input.stepRunId)
    }
    const fastRuns = new Set(
      locked
        .filter(
          (run) =>
            (run.status === 'queued' || run.status === 'running') &&
            run.cancel_requested_at === null &&
            !twice.has(run.id) &&
            inputs.every((input) => input.runId !== run.id || isFast(input)),
        )
        .map((run) => run.id),
    )
    const results: FinishedAttempt[] = inputs.map(() => ({
      recorded: false,
      enqueue: [],
      runStatus: undefined,
    }))
    const fast: number[] = []
    for (const [i, input] of inputs.entries()) {
      if (fastRuns.has(input.runId)) {
        fast.push(i)
        continue
      }
      // Re-read under the lock already held: an earlier attempt of the group may have moved the run.
      const run = runs.has(input.runId) ? await lockRun(trx, input.runId) : undefined
      if (run) results[i] = await finishAttemptIn(trx, run, input)
    }
    if (fast.length > 0) await finishSucceeded(trx, runs, inputs, fast, results, claimFor)
    if (claimFor !== undefined) await claimNextSteps(trx, results, claimFor)
    return results
  })
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Locks the runs, in id order. Written without parameters when the ids are well-formed uuids (they
 * are, unless a job's payload was tampered with): a statement without parameters is sent in the
 * same message as the transaction's `begin` (the `deferBegin` option of `StewardDialect` in @steward/db), which
 * saves the finish a round trip.
 */
function lockRuns(trx: Db, runIds: readonly string[]) {
  if (runIds.every((id) => uuid.test(id)))
    return sql<Run>`select * from runs where id = any (${sql.lit(`{${runIds.join(',')}}`)}::uuid[]) order by id for no key update`.execute(
      trx,
    )
  return sql<Run>`select * from runs where id = any (${runIds}::uuid[]) order by id for no key update`.execute(
    trx,
  )
}

interface SucceededRow {
  closed: string[]
  ready: (ClaimedStepRow & {
    /** `running`: claimed in the statement for `claimFor`'s worker, with its attempt and upstream outputs. */
    status: 'queued' | 'running'
    attempt_id: string | null
    upstream: Record<string, unknown> | null
  })[]
  ended: { id: string; limited: boolean; followed: boolean }[]
}

/**
 * The fast path of `finishAttempts`: the attempts `indexes` of `inputs`, successes in open runs,
 * in ONE statement, then their logs and metrics (when a step wrote any) and what the runs that
 * ended need more (admission, downstream runs).
 *
 *   Input (the statement's parameters)
 *     attemptIds       the attempts to close
 *     costs            their compute and reported costs, as parallel arrays
 *     outputs          each output by its step run's id, one `jsonb` object: looked up per row, so
 *                      nothing is paired by join and the cost grows with the group, not its square
 *     runIds           the group's runs: bounds every scan of runs and step runs to index lookups
 *     budget           the short kinds of step (pipeline ids, step ids), `free`, `ahead`
 *     workerId         who the claimed steps' attempts are for
 *   Output, one row
 *     closed           the attempts it closed (still `running` before): only those are recorded
 *     ready            the steps that became ready: `queued`, or `running` when claimed for the
 *                      worker (with `attempt_id` and `upstream`), with `ClaimedStepRow`'s columns
 *     ended            the runs it ended, and whether their end admits waiting runs (`limited`) or
 *                      creates downstream runs (`followed`)
 *     costs            how many cost entries it inserted
 *   Statement, in order of its CTEs
 *     closed           running → succeeded, by attempt id
 *     costs            inserted for the closed attempts
 *     done             their step runs running → succeeded with their output (found through the
 *                      closed attempts, so a late attempt's step run is left alone)
 *     succeeded        per run, its succeeded steps: before, and `done` (a statement does not see
 *                      its own updates)
 *     candidates       the ready steps: `readyStep(p, succeeded)`
 *     claims, ready    the first `free` of them, and short ones up to `ahead` more, claimed (pending
 *                      → running, `attempt_count` + 1) and their attempts opened (`openClaimedAttempts`);
 *                      the rest pending → queued
 *     ended            runs whose step runs all succeeded: succeeded, with their cost
 *   Locks
 *     none of its own: the rows it updates, of runs whose locks the caller holds
 *   Caller holds
 *     the locks of every run of the group (`lockRuns`), taken before the statement, so its snapshot
 *     sees every earlier finish of these runs; every input is a success of a run that is open and
 *     not being cancelled, and no step run has two inputs
 *   Layout
 *     attempts by id, step runs through their runs (`runIds`) or by id (README.md, "Layout")
 */
async function finishSucceeded(
  trx: Db,
  runs: ReadonlyMap<string, Run>,
  inputs: readonly FinishAttemptInput[],
  indexes: readonly number[],
  results: FinishedAttempt[],
  claimFor: ClaimFor | undefined,
): Promise<void> {
  const items = indexes.flatMap((i) => {
    const input = inputs[i]
    const run = input && runs.get(input.runId)
    return input && run && input.outcome.status === 'succeeded'
      ? [{ i, input, run, output: json(input.outcome.output ?? null) }]
      : []
  })
  const costs = items.flatMap(({ input, run }) =>
    (input.records?.costs ?? []).map((cost) => ({ input, run, cost })),
  )
  // Bounds the scans of step_runs and runs to index lookups, whatever the planner guesses of the CTEs.
  const runIds = [...new Set(items.map(({ run }) => run.id))]
  const attemptIds = items.map(({ input }) => input.attemptId)
  const budget = claimFor?.budget
  // Each output by its step run's id: the statement looks it up per row, with no join to pair them.
  const outputs = `{${items.map(({ input, output }) => `${JSON.stringify(input.stepRunId)}:${output}`).join(',')}}`
  const { rows } = await sql<SucceededRow>`${sql.raw(prepared)}
    with closed as (
      update attempts a
      set status = 'succeeded', finished_at = now(), error = null
      where a.id = any (${attemptIds}::uuid[]) and a.status = 'running'
      returning a.id, a.step_run_id, a.run_id
    ),
    new_costs as (
      select c.run_id, c.step_run_id, c.attempt_id, c.pipeline_id, c.product_id, c.kind, c.item,
        c.usd::numeric as usd, c.quantity, c.unit
      from unnest(
        ${costs.map(({ run }) => run.id)}::uuid[],
        ${costs.map(({ input }) => input.stepRunId)}::uuid[],
        ${costs.map(({ input }) => input.attemptId)}::uuid[],
        ${costs.map(({ run }) => run.pipeline_id)}::text[],
        ${costs.map(({ run }) => run.product_id)}::text[],
        ${costs.map(({ cost }) => cost.kind)}::text[],
        ${costs.map(({ cost }) => postgresText(cost.item))}::text[],
        ${costs.map(({ cost }) => cost.usd.toFixed(6))}::text[],
        ${costs.map(({ cost }) => cost.quantity)}::float8[],
        ${costs.map(({ cost }) => (cost.unit === null ? null : postgresText(cost.unit)))}::text[]
      ) as c (run_id, step_run_id, attempt_id, pipeline_id, product_id, kind, item, usd, quantity, unit)
      where c.attempt_id in (select id from closed)
    ),
    costs as (
      insert into cost_entries
        (run_id, step_run_id, attempt_id, pipeline_id, product_id, kind, item, usd, quantity, unit)
      select * from new_costs
      returning id
    ),
    done as (
      update step_runs s
      set status = 'succeeded', output = ${outputs}::jsonb -> s.id::text, error = null, finished_at = now()
      where s.id = any (array(select step_run_id from closed)) and s.status = 'running'
      returning s.id, s.run_id, s.step_id, s.output
    ),
    succeeded as (
      select run_id, array_agg(step_id) as step_ids
      from (
        select u.run_id, u.step_id from step_runs u
        where u.run_id = any (${runIds}::uuid[]) and u.status = 'succeeded'
        union all
        select d.run_id, d.step_id from done d
      ) as finished
      group by run_id
    ),
    candidates as (
      select c.*,
        row_number() over (order by c.run_id, c.step_id) as n,
        row_number() over (partition by c.short order by c.run_id, c.step_id) as short_n
      from (
        select p.id, p.run_id, p.step_id,
          (r.pipeline_id, p.step_id) in (
            select * from unnest(${budget?.short.pipelineIds ?? []}::text[], ${budget?.short.stepIds ?? []}::text[])
          ) as short
        from step_runs p
        join succeeded f on f.run_id = p.run_id
        join runs r on r.id = p.run_id
        where p.run_id = any (${runIds}::uuid[])
          and r.id = any (${runIds}::uuid[])
          and p.run_id in (select run_id from done)
          and ${readyStep('p', 'f.step_ids')}
      ) as c
    ),
    -- Claimed here for the finishing worker (pending → running, their attempts opened below): the
    -- first $free ready steps, and short ones up to $ahead more; the rest queued for any worker.
    claims as (
      select c.id, c.claim, case when c.claim then gen_random_uuid() end as attempt_id
      from (
        select id, (n <= ${budget?.free ?? 0} or (short and short_n <= ${budget?.ahead ?? 0})) as claim
        from candidates
      ) as c
    ),
    ready as (
      update step_runs p
      set status = case when c.claim then 'running' else 'queued' end,
        queued_at = now(),
        started_at = case when c.claim then coalesce(p.started_at, now()) else p.started_at end,
        attempt_count = case when c.claim then p.attempt_count + 1 else p.attempt_count end
      from claims c
      where p.run_id = any (${runIds}::uuid[]) and p.id = c.id
      returning ${claimedStepColumns('p')}, p.status, c.attempt_id
    ),
    opened as (
      ${openClaimedAttempts('ready', claimFor?.workerId ?? null)}
      where status = 'running'
    ),
    ended as (
      update runs r
      set status = 'succeeded', error = null, finished_at = now(), started_at = coalesce(r.started_at, now()),
        -- The sum of the run's cost entries, this statement's included (it does not see its own inserts).
        cost_usd = coalesce((select sum(e.usd) from cost_entries e where e.run_id = r.id), 0)
          + coalesce((select sum(n.usd) from new_costs n where n.run_id = r.id), 0)
      where r.id = any (${runIds}::uuid[])
        and r.id in (select run_id from done)
        and not exists (
          select 1 from step_runs s
          where s.run_id = r.id and s.status <> 'succeeded' and s.id not in (select id from done)
        )
      returning r.id,
        -- Whether a run's end has more to do: admit waiting runs (a limit or a backfill), create
        -- downstream runs.
        (r.backfill_id is not null or exists (
          select 1 from pipelines p where p.id = r.pipeline_id and p.max_concurrent_runs is not null
        )) as limited,
        exists (
          select 1 from pipelines p
          where p.archived_at is null
            and p.triggers @> jsonb_build_array(jsonb_build_object('kind', 'upstream', 'pipeline', r.pipeline_id))
        ) as followed
    )
    select
      (select coalesce(jsonb_agg(id), '[]'::jsonb) from closed) as closed,
      (
        select coalesce(jsonb_agg(r), '[]'::jsonb) from (
          select ready.*,
            -- A claimed step's upstream outputs: those that succeeded before, and this statement's.
            case when ready.status = 'running' then (
              select ${upstreamOutputs} from (
                select s.step_id, s.output from step_runs s
                where s.run_id = ready.run_id and s.step_id = any (ready.needs) and s.status = 'succeeded'
                union all
                select d.step_id, d.output from done d
                where d.run_id = ready.run_id and d.step_id = any (ready.needs)
              ) as u
            ) end as upstream
          from ready
        ) as r
      ) as ready,
      (select coalesce(jsonb_agg(ended), '[]'::jsonb) from ended) as ended,
      (select count(*) from costs) as costs
  `.execute(trx)
  const answer = rows[0]
  if (!answer) throw new Error('finishing attempts: the statement returned no row')
  const closedIds = new Set(answer.closed)
  const recorded = items.filter(({ input }) => closedIds.has(input.attemptId))
  // The first recorded attempt of each run carries what its run queued.
  const carrier = new Map<string, FinishedAttempt>()
  for (const { i, run } of recorded) {
    const result: FinishedAttempt = { recorded: true, enqueue: [], runStatus: run.status }
    results[i] = result
    if (!carrier.has(run.id)) carrier.set(run.id, result)
  }
  if (recorded.length === 0) return
  const withRecords = recorded.map(({ input, run }) => ({
    run,
    input: { ...input, records: input.records && { ...input.records, costs: [] } },
  }))
  await writeRecordsOf(trx, withRecords)
  for (const step of answer.ready) {
    const run = runs.get(step.run_id)
    if (!run) continue
    if (step.status === 'running' && step.attempt_id !== null) {
      if (budget) takeFrom(budget)
      const result = carrier.get(run.id)
      if (result)
        result.next = [
          ...(result.next ?? []),
          claimedAttempt(run, step, step.attempt_id, step.upstream ?? {}),
        ]
      continue
    }
    carrier.get(run.id)?.enqueue.push({
      runId: run.id,
      stepRunId: step.id,
      stepId: step.step_id,
      pipelineId: run.pipeline_id,
      attempt: step.attempt_count + 1,
      delayMs: 0,
    } satisfies StepToEnqueue)
  }
  // What `afterRunEnded` does, its cost already stored above, and only where there is more to do.
  for (const ended of answer.ended) {
    const run = runs.get(ended.id)
    const result = carrier.get(ended.id)
    if (!run) continue
    const enqueue = ended.limited ? await admitWaitingRuns(trx, run.pipeline_id) : []
    if (ended.followed) enqueue.push(...(await createDownstreamRuns(trx, run)))
    if (result) {
      result.enqueue.push(...enqueue)
      result.runStatus = 'succeeded'
    }
  }
}

export interface ClaimFor {
  workerId: string
  /** What may still be claimed for that worker (`LocalSlots.budget`); claiming takes from it. */
  budget: ClaimBudget
}

/** One claimed step: from the free slots first, then from those ahead. */
function takeFrom(budget: ClaimBudget): void {
  if (budget.free > 0) budget.free -= 1
  else budget.ahead -= 1
}

/**
 * Claims, in one statement, steps the results would enqueue as those results' `next`, within the
 * budget (a short kind of step may take from `ahead`): a chain's next link, a fan-in's join, a
 * fan-out's siblings, admitted runs' first steps, which the worker runs at once. The rest go
 * through the queue, to start at once on any worker.
 */
async function claimNextSteps(trx: Db, results: FinishedAttempt[], claimFor: ClaimFor): Promise<void> {
  const { budget } = claimFor
  const picked: { result: FinishedAttempt; step: StepToEnqueue }[] = []
  for (const result of results) {
    for (const step of result.enqueue) {
      if (step.delayMs > 0) continue
      if (budget.free <= 0 && (budget.ahead <= 0 || !budget.short.has(step.pipelineId, step.stepId))) continue
      takeFrom(budget)
      picked.push({ result, step })
    }
  }
  if (picked.length === 0) return
  const claimed = await claimSteps(
    trx,
    picked.map(({ step }) => step),
    claimFor.workerId,
  )
  picked.forEach(({ result, step }, i) => {
    const next = claimed[i]
    if (!next) return
    result.next = [...(result.next ?? []), next]
    result.enqueue = result.enqueue.filter((entry) => entry !== step)
  })
}
