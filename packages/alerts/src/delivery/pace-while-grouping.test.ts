import type { TestDatabase } from '@steward/db/testing'
import { onFailure } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun, seedRuns } from '../testing/seed.ts'
import type { SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'

const paceMs = 300
const groupWindowMs = 5000
// Timers fire a little early or late; the server stamps arrival, not the send decision.
const slackMs = 8

/**
 * A channel with work waiting posts at its pace (issue 19, item 12): a top-level message that the
 * group window holds back does not hold back the replies to threads already posted behind it.
 */
describe.each(alertTestBackends)(
  'pace while a top-level message is grouped, on $name',
  ({ db: backend, queue }) => {
    let t: TestDatabase
    let slack: SlackServer
    let queues: TestQueues
    let alerts: Alerts | undefined
    beforeAll(async () => {
      ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
      // The stand-in refuses a post sooner than the pace after the last one to the channel (429).
      slack.channelPaceMs = paceMs
    })
    afterAll(() => closeAlertsSuite({ alerts: [alerts], slack, queues, t }))

    it('a reply to a posted thread goes out at the pace while the next top-level message waits for its window', async () => {
      await seedProduct(t.db, { id: 'paced', owners: ['#paced'] })
      await seedPipeline(t.db, { id: 'paced.load', productId: 'paced', alerts: [onFailure()] })
      await seedPipeline(t.db, { id: 'paced.score', productId: 'paced', alerts: [onFailure()] })
      alerts = startAlerts({
        db: t.db,
        slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
        paceMs,
        groupWindowMs,
        runPollMs: 50,
        timerEveryMs: 60_000,
        queue: queues.location,
      })
      await alerts.evaluateNow()
      await seedRun(t.db, { pipelineId: 'paced.load', productId: 'paced', status: 'failed' })
      alerts.nudge()
      await waitUntil('the first top-level message', () => slack.posts('#paced').length === 1, 20_000)
      // A new incident (its top-level message is held by the window), then a repeat of the first one.
      // In one transaction, so both wait from the same moment on, well inside the window.
      await seedRuns(t.db, [
        { pipelineId: 'paced.score', productId: 'paced', status: 'failed' },
        { pipelineId: 'paced.load', productId: 'paced', status: 'failed' },
      ])
      alerts.nudge()
      await waitUntil('both', () => slack.posts('#paced').length === 3, 20_000)
      const [first, reply, second] = slack.posts('#paced')
      if (!first || !reply || !second) throw new Error('three posts expected')
      const order = slack
        .posts('#paced')
        .map((p) => `${p.at - first.at} ms ${p.threadTs ? 'reply' : 'top'}: ${p.text}`)
      expect(reply.threadTs, order.join('\n')).toBe(first.ts)
      expect(reply.text).toContain('paced.load')
      // The reply did not wait for the window, only for the pace.
      expect(reply.at - first.at).toBeGreaterThanOrEqual(paceMs - slackMs)
      expect(reply.at - first.at).toBeLessThan(groupWindowMs - 500)
      expect(second.threadTs).toBeUndefined()
      expect(JSON.stringify(second.blocks)).toContain('paced.score failed')
      expect(second.at - first.at).toBeGreaterThanOrEqual(groupWindowMs - slackMs)
      // Never faster than the pace: the stand-in refused nothing.
      expect(slack.refused).toEqual([])
    }, 60_000)
  },
)
