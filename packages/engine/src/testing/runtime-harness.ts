import { randomBytes } from 'node:crypto'
import { type TestBackend, testBackends } from '@steward/db/testing'
import type { CostRates, Pipeline, Product, StewardConfig } from '@steward/pipelines'
import { defineProduct } from '@steward/pipelines'
import { deleteQueueKeys, loseQueuedJobs, type QueueBackend, type QueueBackendKind } from '@steward/queue'
import { testQueueKinds, testRedisUrl } from '@steward/queue/testing'
import { compileCatalog } from '../deploy/compile-catalog.ts'
import { type DeployResult, deployCatalog } from '../deploy/deploy-catalog.ts'
import { createProject } from '../loader/create-project.ts'
import type { Project } from '../loader/project.ts'
import { openRuntimeQueue, type RuntimeQueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { type RuntimeWorker, type StartWorkerOptions, startWorker } from '../worker/worker.ts'

/** One combination a runtime suite runs on: a database (`testBackends`) and a queue backend. */
export interface RuntimeTestBackend {
  /** `postgres, redis queue`, for test titles (`$name`). */
  name: string
  db: TestBackend
  queue: QueueBackendKind
}

/**
 * Every database × every queue backend: `describe.each(runtimeTestBackends)`. The PostgreSQL
 * queue lives in the test's own database (PostgreSQL, or the embedded PGlite's server).
 */
export const runtimeTestBackends: RuntimeTestBackend[] = testBackends.flatMap((db) =>
  testQueueKinds.map((queue) => ({ name: `${db.name}, ${queue} queue`, db, queue })),
)

/** The queue backend of `kind` for a test database (the PostgreSQL queue uses that database). */
export function testQueueBackend(kind: QueueBackendKind, database: { url: string }): QueueBackend {
  return kind === 'redis' ? { kind, url: testRedisUrl } : { kind, url: database.url }
}

export const testProduct = defineProduct({
  id: 'runtime-test',
  name: 'Runtime test',
  owners: [{ team: 'steward', slack: '#steward' }],
})

/**
 * One test's runtime: its pipelines deployed (archiving the previous test's), a queue under a
 * prefix of its own (a schema of its own on PostgreSQL), and workers that `dispose()` closes before
 * deleting the whole namespace. The queue is on Redis unless `backend` says otherwise.
 */
export class RuntimeHarness {
  readonly prefix = `{steward-test-${randomBytes(4).toString('hex')}}`
  readonly queue: RuntimeQueue
  readonly workers: RuntimeWorker[] = []
  project!: Project
  deployed!: DeployResult

  constructor(
    readonly db: Db,
    readonly backend: QueueBackend = { kind: 'redis', url: testRedisUrl },
  ) {
    this.queue = openRuntimeQueue({ backend, prefix: this.prefix })
  }

  async deploy(
    pipelines: readonly Pipeline[],
    options: { config?: StewardConfig; products?: readonly Product[] } = {},
  ): Promise<this> {
    this.project = await createProject({
      products: [testProduct, ...(options.products ?? [])],
      pipelines,
      root: import.meta.dirname,
      ...(options.config ? { config: options.config } : {}),
    })
    this.deployed = await deployCatalog(this.db, compileCatalog(this.project))
    return this
  }

  async startWorker(
    options: Partial<Omit<StartWorkerOptions, 'backend' | 'redisUrl'>> & { costRates?: CostRates } = {},
  ): Promise<RuntimeWorker> {
    const worker = await startWorker({
      db: this.db,
      backend: this.backend,
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

  /** Throws the queue's jobs away (Redis: every key of the prefix; PostgreSQL: the job rows): a FLUSHALL. */
  async deleteKeys(): Promise<number> {
    return loseQueuedJobs(this.backend, this.prefix)
  }

  async dispose(): Promise<void> {
    for (const worker of this.workers) await worker.close()
    await this.queue.close()
    await deleteQueueKeys(this.backend, this.prefix)
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
