import { listen, runsEndedChannel } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import type { SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'

/**
 * A run that another process ends (a worker elsewhere, a cancel from the web, the reconciler) wakes
 * the evaluator through the database's NOTIFY, not its poll (issue 19, item 11). The queue backend
 * plays no part here, so one suffices.
 */
describe.each(alertTestBackends.filter((b) => b.queue === 'redis'))(
  'every run that ends wakes the evaluator, on $name',
  ({ db: backend, queue }) => {
    let t: TestDatabase
    let slack: SlackServer
    let queues: TestQueues
    let alerts: Alerts | undefined
    beforeAll(async () => {
      ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
      await seedProduct(t.db, { id: 'woken', owners: ['#woken'] })
      await seedPipeline(t.db, { id: 'woken.load', productId: 'woken' })
    })
    afterAll(() => closeAlertsSuite({ alerts: [alerts], slack, queues, t }))

    /** A run as an engine leaves it while it runs: then ended by one UPDATE, as every path ends one. */
    const runningRun = async () => {
      const id = await seedRun(t.db, { pipelineId: 'woken.load', productId: 'woken', status: 'failed' })
      await sql`update runs set status = 'running', finished_at = null where id = ${id}`.execute(t.db)
      return id
    }
    const end = (ids: readonly string[], status: 'failed' | 'cancelled' | 'succeeded') =>
      sql`update runs set status = ${status}, finished_at = now() where id = any (${[...ids]}::uuid[])`.execute(
        t.db,
      )

    it('a run ended elsewhere is in Slack well under the poll (a minute here)', async () => {
      alerts = startAlerts({
        db: t.db,
        databaseUrl: t.url,
        slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
        runPollMs: 60_000,
        timerEveryMs: 60_000,
        paceMs: 0,
        groupWindowMs: 0,
        queue: queues.location,
      })
      await alerts.listening
      await alerts.evaluateNow()
      const id = await runningRun()
      const endedAt = Date.now()
      await end([id], 'failed')
      await waitUntil('the alert', () => slack.posts('#woken').length === 1, 20_000)
      // Only the NOTIFY can have woken it: the poll is a minute, and nothing here calls nudge.
      expect((slack.posts('#woken')[0]?.at ?? 0) - endedAt).toBeLessThan(5_000)
      expect(slack.posts('#woken')[0]?.text).toContain('woken.load failed')
    }, 60_000)

    it('cancels and every other end notify once per transaction; a run that moves on without ending does not', async () => {
      let told = 0
      const listener = listen(t.url, runsEndedChannel, () => {
        told += 1
      })
      try {
        await listener.ready
        const [a, b, c] = [await runningRun(), await runningRun(), await runningRun()]
        if (!a || !b || !c) throw new Error('no runs')
        // Not an end: queued → running.
        await sql`update runs set status = 'queued' where id = ${a}`.execute(t.db)
        await sql`update runs set status = 'running' where id = ${a}`.execute(t.db)
        // A cancel (as cancelRun ends a run with nothing running).
        await end([a], 'cancelled')
        await waitUntil('the cancel told', () => told >= 1, 10_000)
        // Two runs ended in one transaction (a finishing group, the reconciler's pass): one notification.
        await end([b, c], 'failed')
        await waitUntil('the group told', () => told >= 2, 10_000)
        // An UPDATE of an ended run that leaves it ended says nothing more.
        await end([b], 'failed')
        await new Promise((resolve) => setTimeout(resolve, 300))
        expect(told).toBe(2)
      } finally {
        await listener.close()
      }
    }, 60_000)
  },
)
