import type { TestDatabase } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import type { SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { deliveryBacklog, stuckDeliveryProblem } from './senders.ts'

/**
 * Whether a notification can be sent is decided where it is delivered: a worker started without
 * Slack settings evaluates failures, and the process that has them delivers every notification,
 * once, whichever process created it.
 */
describe.each(alertTestBackends)(
  'any process with Slack settings delivers, on $name',
  ({ db: backend, queue }) => {
    let t: TestDatabase
    let slack: SlackServer
    let queues: TestQueues
    const started: Alerts[] = []
    beforeAll(async () => {
      ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
    })
    afterAll(() => closeAlertsSuite({ alerts: started, slack, queues, t }))
    const start = (botToken?: string, runPollMs = 50) => {
      const alerts = startAlerts({
        db: t.db,
        slack: { ...(botToken ? { botToken } : {}), apiUrl: slack.apiUrl },
        paceMs: 20,
        groupWindowMs: 50,
        runPollMs,
        timerEveryMs: 60_000,
        queue: queues.location,
      })
      started.push(alerts)
      return alerts
    }
    const notifications = () =>
      t.db.selectFrom('notifications').select(['id', 'status', 'slack_ts', 'kind']).orderBy('id').execute()

    it('a worker without Slack settings evaluates; the one with them delivers every notification exactly once', async () => {
      const products = ['ads', 'billing', 'crm', 'dash', 'email']
      for (const id of products) {
        await seedProduct(t.db, { id, owners: [`#${id}-owners`] })
        await seedPipeline(t.db, { id: `${id}.load`, productId: id })
        await seedPipeline(t.db, { id: `${id}.score`, productId: id })
      }
      const evaluator = start(undefined)
      await evaluator.evaluateNow()
      for (const id of products) {
        await seedRun(t.db, { pipelineId: `${id}.load`, productId: id, status: 'failed' })
        await seedRun(t.db, { pipelineId: `${id}.score`, productId: id, status: 'failed' })
      }
      await evaluator.evaluateNow()
      // Evaluated, rendered, and waiting: no process can send yet, and nothing was given up.
      expect((await notifications()).map((n) => n.status)).toEqual(Array(10).fill('pending'))
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect((await notifications()).every((n) => n.status === 'pending')).toBe(true)
      expect(slack.requests).toEqual([])
      const waiting = await deliveryBacklog(t.db, { waitingMs: 0 })
      expect(waiting).toMatchObject({ liveSenders: 0, pending: 10, lastSenderAt: null })
      expect(stuckDeliveryProblem({ ...waiting, waiting: 10 }, 0)).toMatch(
        /^10 Slack notifications have waited over 0 minutes and no Steward process can send them: set SLACK_BOT_TOKEN/,
      )

      // A process with Slack settings, whose own evaluator polls too slowly to matter here.
      start('xoxb-test', 60_000)
      await waitUntil('the ten first messages', async () =>
        (await notifications()).every((n) => n.status === 'sent'),
      )
      // The evaluator without a token keeps evaluating; the sender delivers the follow-ups too.
      for (const id of products)
        await seedRun(t.db, { pipelineId: `${id}.load`, productId: id, status: 'failed' })
      evaluator.nudge()
      await waitUntil('the five follow-ups', async () => {
        const rows = await notifications()
        return rows.length === 15 && rows.every((n) => n.status === 'sent')
      })
      await new Promise((resolve) => setTimeout(resolve, 300))
      const rows = await notifications()
      // Exactly once: one Slack post per notification (grouped first messages share one post), none twice.
      const posts = slack.posts()
      expect(new Set(rows.map((n) => n.slack_ts)).size).toBe(posts.length)
      expect(new Set(posts.map((p) => p.ts)).size).toBe(posts.length)
      expect(posts.filter((p) => p.threadTs !== undefined)).toHaveLength(5)
      for (const id of products) {
        const firsts = slack.posts(`#${id}-owners`).filter((p) => p.threadTs === undefined)
        expect(firsts, id).toHaveLength(1)
      }
      const live = await deliveryBacklog(t.db)
      expect(live).toMatchObject({ liveSenders: 1, pending: 0 })
      expect(stuckDeliveryProblem(live)).toBeUndefined()
    })
  },
)
