// Bare BullMQ, the floor of Steward's stack: the worker adds the next job by hand when a step
// ends (the fan-in counts finished B's per run in memory and adds C after the 20th). Same job
// options as Steward's step jobs: deterministic id, one attempt, removed once done.
import { type JobsOptions, Queue, Worker } from 'bullmq'
import type { Probe } from './probe.ts'
import { redisUrl } from './services.ts'
import { chainLength, type Engine, fanWidth } from './workloads.ts'

interface BareJob {
  w: 1 | 2
  run: string
  /** W1: the step's place in the chain. W2: 0 is A, 1–20 the B's, 21 is C. */
  i: number
}

const options = (job: BareJob): JobsOptions => ({
  jobId: `${job.run}.${job.i}`,
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
})

export async function openBullmq(
  probe: Probe,
  settings: { prefix: string; concurrency: number },
): Promise<Engine> {
  const name = 'bare'
  const queue = new Queue<BareJob, unknown, string>(name, {
    connection: { url: redisUrl },
    prefix: settings.prefix,
  })
  const add = (job: BareJob) => queue.add('step', job, options(job))
  const finishedBs = new Map<string, number>()
  const worker = new Worker<BareJob, unknown, string>(
    name,
    async (job) => {
      const { w, run, i } = job.data
      if (w === 1) {
        probe.step(run, i, i === chainLength - 1)
        if (i + 1 < chainLength) await add({ w, run, i: i + 1 })
        return
      }
      probe.step(run, i, i === fanWidth + 1)
      if (i === 0) {
        await queue.addBulk(
          Array.from({ length: fanWidth }, (_, b) => {
            const data: BareJob = { w, run, i: b + 1 }
            return { name: 'step', data, opts: options(data) }
          }),
        )
      } else if (i <= fanWidth) {
        const n = (finishedBs.get(run) ?? 0) + 1
        if (n < fanWidth) finishedBs.set(run, n)
        else {
          finishedBs.delete(run)
          await add({ w, run, i: fanWidth + 1 })
        }
      }
    },
    {
      connection: { url: redisUrl, maxRetriesPerRequest: null },
      prefix: settings.prefix,
      concurrency: settings.concurrency,
    },
  )
  worker.on('error', () => {})
  let failure: Error | undefined
  worker.on('failed', (_job, error) => {
    failure ??= error
  })
  try {
    await worker.waitUntilReady()
  } catch (error) {
    await worker.close()
    await queue.close()
    throw error
  }
  const check = () => {
    if (failure) throw failure
  }
  return {
    label: 'BullMQ (bare)',
    async chain(index) {
      const run = `w1-${index}`
      await add({ w: 1, run, i: 0 })
      await probe.waitFor(run)
      check()
    },
    async fan(index) {
      const run = `w2-${index}`
      await add({ w: 2, run, i: 0 })
      await probe.waitFor(run)
      check()
    },
    async close() {
      await worker.close()
      await queue.close()
    },
  }
}
