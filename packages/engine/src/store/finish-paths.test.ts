import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { definePipeline, type Pipeline, step } from '@steward/pipelines'
import { RawNode } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileCatalog } from '../deploy/compile-catalog.ts'
import { deployCatalog } from '../deploy/deploy-catalog.ts'
import { createProject } from '../loader/create-project.ts'
import type { StepToEnqueue } from '../queue/runtime-queue.ts'
import { cancelRun } from '../runs/cancel-run.ts'
import { createRun } from '../runs/create-run.ts'
import { testProduct } from '../testing/runtime-harness.ts'
import { type ClaimedAttempt, claimSteps } from './claim-step.ts'
import type { Db } from './db.ts'
import {
  type AttemptOutcome,
  type FinishAttemptInput,
  type FinishedAttempt,
  finishAttempt,
} from './finish-attempt.ts'
import { type ClaimFor, finishAttempts } from './finish-attempts.ts'

// The readiness rule and the claim are each written once (`readyStep`, `claim-step.ts`), but the
// statements around them are two: the group finish's one statement for successes of open runs,
// and the one-attempt path (`finishAttempt` → `advanceRun`) with the claim of a queued step. Both
// must move a run the same way: these cases drive the same ends through each and compare every
// step run, attempt, claim and run after each group of ends.

const noop = async () => null
const pipelines = {
  chain: definePipeline({
    id: 'paths.chain',
    product: testProduct,
    steps: {
      a: step({ run: noop }),
      b: step({ needs: ['a'], run: noop }),
      c: step({ needs: ['b'], run: noop }),
    },
  }),
  fanOut: definePipeline({
    id: 'paths.fan-out',
    product: testProduct,
    steps: {
      a: step({ run: noop }),
      b1: step({ needs: ['a'], run: noop }),
      b2: step({ needs: ['a'], run: noop }),
      b3: step({ needs: ['a'], run: noop }),
    },
  }),
  fanIn: definePipeline({
    id: 'paths.fan-in',
    product: testProduct,
    steps: {
      a1: step({ run: noop }),
      a2: step({ run: noop }),
      join: step({ needs: ['a1', 'a2'], run: noop }),
    },
  }),
  diamond: definePipeline({
    id: 'paths.diamond',
    product: testProduct,
    steps: {
      a: step({ retries: 1, run: noop }),
      b: step({ needs: ['a'], retries: 1, run: noop }),
      c: step({ needs: ['a'], run: noop }),
      d: step({ needs: ['b', 'c'], run: noop }),
    },
  }),
} satisfies Record<string, Pipeline>

type End = 'succeeded' | 'retry' | 'failed' | 'cancelled'
/** Ends recorded together (one `finishAttempts` call, or one `finishAttempt` each), or a cancel. */
type Group = [string, End][] | 'cancel the run'

const cases: { name: string; pipeline: Pipeline; groups: Group[] }[] = [
  {
    name: 'a chain',
    pipeline: pipelines.chain,
    groups: [[['a', 'succeeded']], [['b', 'succeeded']], [['c', 'succeeded']]],
  },
  {
    name: 'a fan-out, its branches ending together',
    pipeline: pipelines.fanOut,
    groups: [
      [['a', 'succeeded']],
      [
        ['b1', 'succeeded'],
        ['b2', 'succeeded'],
        ['b3', 'succeeded'],
      ],
    ],
  },
  {
    name: 'a fan-in, one need at a time',
    pipeline: pipelines.fanIn,
    groups: [[['a2', 'succeeded']], [['a1', 'succeeded']], [['join', 'succeeded']]],
  },
  {
    name: 'a fan-in, both needs in one group',
    pipeline: pipelines.fanIn,
    groups: [
      [
        ['a1', 'succeeded'],
        ['a2', 'succeeded'],
      ],
      [['join', 'succeeded']],
    ],
  },
  {
    name: 'a diamond, after a retry of its first step',
    pipeline: pipelines.diamond,
    groups: [
      [['a', 'retry']],
      [['a', 'succeeded']],
      [['c', 'succeeded']],
      [['b', 'succeeded']],
      [['d', 'succeeded']],
    ],
  },
  {
    name: 'a diamond whose join waits for a need being retried',
    pipeline: pipelines.diamond,
    groups: [
      [['a', 'succeeded']],
      [['b', 'retry']],
      [['c', 'succeeded']],
      [['b', 'succeeded']],
      [['d', 'succeeded']],
    ],
  },
  {
    name: 'a diamond whose retried need fails for good',
    pipeline: pipelines.diamond,
    groups: [
      [['a', 'succeeded']],
      [
        ['b', 'retry'],
        ['c', 'succeeded'],
      ],
      [['b', 'failed']],
    ],
  },
  {
    name: 'a diamond with a failed need (the join skipped), its sibling ending late',
    pipeline: pipelines.diamond,
    groups: [[['a', 'succeeded']], [['b', 'failed']], [['c', 'succeeded']]],
  },
  {
    name: 'a diamond with a failed and a succeeded need in one group',
    pipeline: pipelines.diamond,
    groups: [
      [['a', 'succeeded']],
      [
        ['c', 'succeeded'],
        ['b', 'failed'],
      ],
    ],
  },
  {
    name: 'a diamond cancelled with its needs running (the join cancelled)',
    pipeline: pipelines.diamond,
    groups: [
      [['a', 'succeeded']],
      'cancel the run',
      [
        ['b', 'cancelled'],
        ['c', 'succeeded'],
      ],
    ],
  },
]

const workerId = 'paths-worker'

function outcomeOf(end: End, stepId: string, attempt: number): AttemptOutcome {
  if (end === 'succeeded') return { status: 'succeeded', output: { stepId, attempt } }
  if (end === 'cancelled') return { status: 'cancelled', error: { message: 'cancelled', code: 'CANCELLED' } }
  return { status: 'failed', retryable: end === 'retry', error: { message: `${stepId} ${end}` } }
}

/** A claim without its ids, which differ from run to run. */
function claimShape(claim: ClaimedAttempt) {
  return {
    pipelineId: claim.run.pipeline_id,
    version: claim.run.pipeline_version,
    params: claim.run.params,
    stepId: claim.stepRun.step_id,
    attempt: claim.stepRun.attempt_count,
    maxAttempts: claim.stepRun.max_attempts,
    needs: claim.stepRun.needs,
    upstream: claim.upstream,
  }
}

async function snapshot(db: Db, runId: string) {
  const run = await db
    .selectFrom('runs')
    .select(['status', 'error', 'draining', 'cost_usd'])
    .select((eb) => [
      eb('started_at', 'is not', null).as('started'),
      eb('finished_at', 'is not', null).as('finished'),
    ])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow()
  const steps = await db
    .selectFrom('step_runs')
    .select(['step_id', 'status', 'attempt_count', 'max_attempts', 'output', 'error'])
    .select((eb) => [
      eb('queued_at', 'is not', null).as('queued'),
      eb('started_at', 'is not', null).as('started'),
      eb('finished_at', 'is not', null).as('finished'),
    ])
    .where('run_id', '=', runId)
    .orderBy('step_id')
    .execute()
  const attempts = await db
    .selectFrom('attempts')
    .innerJoin('step_runs', 'step_runs.id', 'attempts.step_run_id')
    .select([
      'step_runs.step_id',
      'attempts.number',
      'attempts.status',
      'attempts.worker_id',
      'attempts.error',
    ])
    .select((eb) => [
      eb('attempts.heartbeat_at', 'is not', null).as('heartbeat'),
      eb('attempts.finished_at', 'is not', null).as('finished'),
    ])
    .where('attempts.run_id', '=', runId)
    .orderBy('step_runs.step_id')
    .orderBy('attempts.number')
    .execute()
  return { run, steps, attempts }
}

describe.each(testBackends)('the group finish and the one-attempt finish on $name', (backend) => {
  let t: TestDatabase
  /** The database with every statement's text noted, to see that the group finish's statement ran. */
  let db: Db
  const texts: string[] = []
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    const project = await createProject({
      products: [testProduct],
      pipelines: Object.values(pipelines),
      root: import.meta.dirname,
    })
    await deployCatalog(t.db, compileCatalog(project))
    db = t.db.withPlugin({
      transformQuery: ({ node }) => {
        if (RawNode.is(node)) texts.push(node.sqlFragments.join('?'))
        return node
      },
      transformResult: async ({ result }) => result,
    })
  })
  afterAll(async () => {
    await t?.dispose()
  })

  /**
   * Drives one run through `groups`: the ends of each group are recorded by one `finishAttempts`
   * call (`in groups`, with `claimFor` claiming what became ready) or one `finishAttempt` each;
   * then every step the run queued is claimed, as a worker would. Answers, after each group, what
   * became ready, the claims, and the run's step runs and attempts.
   */
  async function drive(
    pipeline: Pipeline,
    groups: Group[],
    path: 'one at a time' | 'in groups',
    claimFor?: boolean,
  ) {
    const created = await createRun(db, { pipelineId: pipeline.id, trigger: 'manual', definition: pipeline })
    const { runId } = created
    const running = new Map<string, ClaimedAttempt>()
    const claim = async (queued: readonly StepToEnqueue[], claimed: readonly ClaimedAttempt[]) => {
      const claims = [...claimed, ...(await claimSteps(db, queued, workerId))].flatMap((c) => (c ? [c] : []))
      for (const c of claims) running.set(c.stepRun.step_id, c)
      return claims.map(claimShape).sort((x, y) => x.stepId.localeCompare(y.stepId))
    }
    await claim(created.enqueue, [])
    const states = []
    for (const group of groups) {
      if (group === 'cancel the run') {
        await cancelRun(db, runId)
        states.push(await snapshot(db, runId))
        continue
      }
      const inputs = group.map(([stepId, end]): FinishAttemptInput => {
        const claimed = running.get(stepId)
        if (!claimed) throw new Error(`${stepId} was not claimed`)
        return {
          runId,
          stepRunId: claimed.stepRun.id,
          attemptId: claimed.attemptId,
          outcome: outcomeOf(end, stepId, claimed.stepRun.attempt_count),
          records: {
            logs: [],
            metrics: [],
            costs: [{ kind: 'compute', item: 'compute (test)', usd: 0.25, quantity: 1, unit: 'seconds' }],
          },
        }
      })
      const budget: ClaimFor['budget'] = {
        free: 100,
        ahead: 0,
        short: { pipelineIds: [], stepIds: [], has: () => false },
      }
      const finished: FinishedAttempt[] = []
      if (path === 'in groups')
        finished.push(...(await finishAttempts(db, inputs, claimFor ? { workerId, budget } : undefined)))
      else for (const input of inputs) finished.push(await finishAttempt(db, input))
      expect(finished.map((end) => end.recorded)).toEqual(inputs.map(() => true))
      const queued = finished.flatMap((end) => end.enqueue)
      const claimedHere = finished.flatMap((end) => end.next ?? [])
      const ready = [
        ...queued.map((step) => step.stepId),
        ...claimedHere.map((c) => c.stepRun.step_id),
      ].sort()
      const claims = await claim(queued, claimedHere)
      states.push({ ready, claims, ...(await snapshot(db, runId)) })
    }
    return states
  }

  const finishingStatements = () => texts.filter((text) => text.includes('with closed as')).length

  for (const { name, pipeline, groups } of cases) {
    it(`agree on ${name}: the same steps ready, claimed and ended`, async () => {
      const before = finishingStatements()
      const oneAtATime = await drive(pipeline, groups, 'one at a time')
      expect(finishingStatements()).toBe(before)
      const inGroups = await drive(pipeline, groups, 'in groups')
      // The group finish took the successes of open runs in its own statement.
      expect(finishingStatements()).toBeGreaterThan(before)
      expect(inGroups).toEqual(oneAtATime)
      // Claimed by the finishing statement itself, the ready steps look as claimed from the queue.
      expect(await drive(pipeline, groups, 'in groups', true)).toEqual(oneAtATime)
    })
  }
})
