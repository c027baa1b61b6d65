// DBOS Transact 5, the durable-workflow library a TypeScript team would pick on PostgreSQL: its
// system database is a throwaway database of its own. A run is one workflow called in this process
// and each step a `DBOS.runStep`: W1's ten one after another, W2's A, then 20 B's at once
// (`Promise.all`), then C. That is DBOS's durable path and its fastest: a queued workflow
// (`DBOS.registerQueue`) would first wait for a dispatcher's poll, and steps have no cheaper mode.
// What a step costs: a cancellation check and a look-up of a checkpoint from an earlier execution
// before it runs, then its checkpoint (a transaction that locks the workflow's row, so a workflow's
// parallel steps checkpoint one at a time) before the workflow moves on. A hand-off is the
// predecessor's checkpoint plus the successor's look-up.
import { DBOS, type DLogger } from '@dbos-inc/dbos-sdk'
import type { Probe } from './probe.ts'
import { createThrowawayDatabase } from './services.ts'
import { chainLength, type Engine, fanWidth } from './workloads.ts'

const quiet: DLogger = {
  info() {},
  debug() {},
  warn() {},
  error(error) {
    console.error('[DBOS]', error)
  },
}

export async function openDbos(probe: Probe, settings: { concurrency: number }): Promise<Engine> {
  const database = await createThrowawayDatabase('dbos')
  const step = (runKey: string, i: number, last: boolean) =>
    DBOS.runStep(async () => probe.step(runKey, i, last), { name: `s${i}` })

  const chain = DBOS.registerWorkflow(
    async (runKey: string) => {
      for (let i = 0; i < chainLength; i++) await step(runKey, i, i === chainLength - 1)
    },
    { name: 'bench-w1-chain' },
  )
  const fan = DBOS.registerWorkflow(
    async (runKey: string) => {
      await step(runKey, 0, false)
      // Steps started in the same order every time get the same step ids, which is what lets a
      // recovered workflow find their checkpoints: parallel steps are started synchronously.
      await Promise.all(Array.from({ length: fanWidth }, (_, b) => step(runKey, b + 1, false)))
      await step(runKey, fanWidth + 1, true)
    },
    { name: 'bench-w2-fan' },
  )

  let launched = false
  const close = async () => {
    try {
      if (launched) await DBOS.shutdown({ deregister: true })
    } finally {
      await database.drop()
    }
  }
  try {
    DBOS.setConfig({
      name: 'steward-bench',
      systemDatabaseUrl: database.url,
      // Every step takes a connection for its look-up and its checkpoint: with the default pool (10),
      // W2's 50 runs in flight wait for connections.
      systemDatabasePoolSize: settings.concurrency,
      logger: quiet,
    })
    await DBOS.launch()
    launched = true
  } catch (error) {
    await close()
    throw error
  }
  return {
    label: 'DBOS Transact',
    async chain(index) {
      const runKey = `w1-${index}`
      // Resolves once the workflow's end is recorded, not only its last step's.
      await chain(runKey)
      await probe.waitFor(runKey)
    },
    async fan(index) {
      const runKey = `w2-${index}`
      await fan(runKey)
      await probe.waitFor(runKey)
    },
    close,
  }
}
