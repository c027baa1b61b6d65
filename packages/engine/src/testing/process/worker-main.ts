/**
 * A worker process for the `*.process.test.ts` suites: `node --import tsx worker-main.ts`, set up
 * by `STEWARD_TEST_WORKER` (JSON `WorkerMainSettings`). Prints `READY` once the worker runs; exits 1
 * with the error on stderr when it cannot start; SIGTERM closes it gracefully.
 */
import { createDb } from '@steward/db'
import { createProject } from '../../loader/create-project.ts'
import { startWorker } from '../../worker/worker.ts'
import { testProduct } from '../runtime-harness.ts'
import { processPipelines } from './pipelines.ts'
import { readySignal, type WorkerMainSettings, workerSettingsEnv } from './settings.ts'

const raw = process.env[workerSettingsEnv]
if (!raw) throw new Error(`${workerSettingsEnv} is not set`)
const settings = JSON.parse(raw) as WorkerMainSettings

async function main(): Promise<void> {
  const opened = await createDb(settings.databaseUrl, { embeddedDataDir: '' })
  try {
    const project = await createProject({ products: [testProduct], pipelines: processPipelines })
    const worker = await startWorker({
      db: opened.db,
      // Heartbeats from a thread of their own, as `steward worker` writes them.
      databaseUrl: settings.databaseUrl,
      backend: settings.queue,
      project,
      prefix: settings.prefix,
      workerId: settings.workerId,
      concurrency: settings.concurrency,
      heartbeatMs: settings.heartbeatMs,
      reconcile: settings.reconcile,
      jobLock: settings.jobLock,
      onError: (error) => process.stderr.write(`worker error: ${(error as Error).message}\n`),
    })
    process.once('SIGTERM', () => {
      void worker
        .close()
        .then(() => opened.close())
        .then(() => process.exit(0))
    })
    // Tests that keep the event loop busy need the heartbeats off it from their first step.
    if (!(await worker.heartbeatThread)) throw new Error('heartbeats could not start their thread')
    process.stdout.write(`${readySignal}\n`)
  } catch (error) {
    await opened.close()
    throw error
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`)
  process.exit(1)
})
