import { randomBytes } from 'node:crypto'
import type { CostRates } from '../../definitions/config.ts'
import type { Pipeline } from '../../definitions/pipeline.ts'
import { defineProduct } from '../../definitions/product.ts'
import { compileCatalog } from '../../deploy/compile-catalog.ts'
import { type DeployResult, deployCatalog } from '../../deploy/deploy-catalog.ts'
import { createProject } from '../../loader/create-project.ts'
import type { Project } from '../../loader/project.ts'
import type { Db } from '../db.ts'
import { deleteQueueKeys } from '../delete-queue-keys.ts'
import { openRuntimeQueue, type RuntimeQueue } from '../queues.ts'
import { type RuntimeWorker, type StartWorkerOptions, startWorker } from '../worker.ts'

/** Tests only: a Redis on this machine (`npm test` starts one). */
export const testRedisUrl = process.env.STEWARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export const testProduct = defineProduct({
  id: 'runtime-test',
  name: 'Runtime test',
  owners: [{ team: 'steward', slack: '#steward' }],
})

/**
 * One test's runtime: its pipelines deployed (archiving the previous test's), a queue under a
 * prefix of its own, and workers that `dispose()` closes before deleting every key of the prefix.
 */
export class RuntimeHarness {
  readonly prefix = `{steward-test-${randomBytes(4).toString('hex')}}`
  readonly queue: RuntimeQueue
  readonly workers: RuntimeWorker[] = []
  project!: Project
  deployed!: DeployResult

  constructor(readonly db: Db) {
    this.queue = openRuntimeQueue({ redisUrl: testRedisUrl, prefix: this.prefix })
  }

  async deploy(pipelines: readonly Pipeline[]): Promise<this> {
    this.project = await createProject({ products: [testProduct], pipelines, root: import.meta.dirname })
    this.deployed = await deployCatalog(this.db, compileCatalog(this.project))
    return this
  }

  async startWorker(
    options: Partial<StartWorkerOptions> & { costRates?: CostRates } = {},
  ): Promise<RuntimeWorker> {
    const worker = await startWorker({
      db: this.db,
      redisUrl: testRedisUrl,
      project: this.project,
      prefix: this.prefix,
      concurrency: 5,
      heartbeatMs: 50,
      reconcile: false,
      workerId: `test-worker-${this.workers.length + 1}`,
      ...options,
    })
    this.workers.push(worker)
    return worker
  }

  /** Deletes every key of this test's prefix: what a FLUSHALL does to the queue. */
  async deleteKeys(): Promise<number> {
    return deleteQueueKeys(testRedisUrl, this.prefix)
  }

  async dispose(): Promise<void> {
    for (const worker of this.workers) await worker.close()
    await this.queue.close()
    await this.deleteKeys()
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Resolves when the signal fires (a step that honours its signal). */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve()
    else signal.addEventListener('abort', () => resolve(), { once: true })
  })
}
