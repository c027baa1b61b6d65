import { appendFileSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dailyPartitions, definePipeline } from '@steward/pipelines'
import { sleep, testProduct } from '../runtime-harness.ts'

/**
 * Pipelines run by worker processes in the `*.process.test.ts` suites. The test process deploys
 * them and the worker processes load the same module for the steps' code. A step talks to the test
 * through files in `STEWARD_TEST_PROCESS_DIR`:
 * - `completions.log`: one line `<runId> <stepId> <attempt> <workerId>` per step that ran to its end;
 * - `started.<runId>.<stepId>.<attempt>`: written when `hold` starts;
 * - `release`: `hold` waits until the test creates it.
 */
export const processDirEnv = 'STEWARD_TEST_PROCESS_DIR'
export const workerIdEnv = 'STEWARD_TEST_WORKER_ID'

interface StepIdentity {
  runId: string
  stepId: string
  attempt: number
}

function processDir(): string {
  const dir = process.env[processDirEnv]
  if (!dir) throw new Error(`${processDirEnv} is not set`)
  return dir
}

export const completionsFile = (dir: string) => join(dir, 'completions.log')
export const releaseFile = (dir: string) => join(dir, 'release')
export const startedFile = (dir: string, step: StepIdentity) =>
  join(dir, `started.${step.runId}.${step.stepId}.${step.attempt}`)

/** Appends the line that says this attempt's code ran to its end (O_APPEND: lines never interleave). */
function complete(ctx: StepIdentity): void {
  appendFileSync(
    completionsFile(processDir()),
    `${ctx.runId} ${ctx.stepId} ${ctx.attempt} ${process.env[workerIdEnv] ?? '?'}\n`,
  )
}

/** `hold` (blocks until the test releases it) then `after`. */
export const holdPipeline = definePipeline({
  id: 'process.hold',
  product: testProduct,
  steps: (s) =>
    s
      .step('hold', {
        retries: 2,
        backoff: { type: 'fixed', delay: 10 },
        run: async (ctx) => {
          const dir = processDir()
          writeFileSync(startedFile(dir, ctx), String(process.pid))
          while (!existsSync(releaseFile(dir))) {
            if (ctx.signal.aborted) throw new Error('hold was stopped before its release')
            await sleep(20)
          }
          complete(ctx)
          return { held: true, pid: process.pid }
        },
      })
      .step('after', {
        needs: ['hold'],
        run: async (ctx, { hold }) => {
          complete(ctx)
          return { afterHeld: hold.held }
        },
      }),
})

/** A small three-step chain of short steps, for bursts of runs. */
export const burstPipeline = definePipeline({
  id: 'process.burst',
  product: testProduct,
  steps: (s) =>
    s
      .step('a', {
        retries: 2,
        backoff: { type: 'fixed', delay: 10 },
        run: async (ctx) => {
          await sleep(15)
          complete(ctx)
          return { n: 1 }
        },
      })
      .step('b', {
        needs: ['a'],
        retries: 2,
        backoff: { type: 'fixed', delay: 10 },
        run: async (ctx, { a }) => {
          await sleep(15)
          complete(ctx)
          return { n: a.n + 1 }
        },
      })
      .step('c', {
        needs: ['b'],
        retries: 2,
        backoff: { type: 'fixed', delay: 10 },
        run: async (ctx, { b }) => {
          await sleep(15)
          complete(ctx)
          return { n: b.n + 1 }
        },
      }),
})

/** One short step per daily partition, for backfills across process deaths. */
export const dailyPipeline = definePipeline({
  id: 'process.daily',
  product: testProduct,
  partitions: dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlin' }),
  steps: (s) =>
    s.step('load', {
      retries: 2,
      backoff: { type: 'fixed', delay: 10 },
      run: async (ctx) => {
        await sleep(150)
        complete(ctx)
        return { day: ctx.partition.key }
      },
    }),
})

/** How long `spin` computes without yielding: longer than the heartbeat timeout the tests set. */
export const spinMs = 4_000

/** One step that keeps its worker's event loop busy (a synchronous loop) for `spinMs`. */
export const spinPipeline = definePipeline({
  id: 'process.spin',
  product: testProduct,
  steps: (s) =>
    s.step('spin', {
      retries: 2,
      backoff: { type: 'fixed', delay: 10 },
      run: async (ctx) => {
        const until = Date.now() + spinMs
        let turns = 0
        while (Date.now() < until) turns += 1
        complete(ctx)
        return { turns: turns > 0 }
      },
    }),
})

export const processPipelines = [holdPipeline, burstPipeline, dailyPipeline, spinPipeline]
