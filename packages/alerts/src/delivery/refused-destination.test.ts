import type { TestDatabase } from '@steward/db/testing'
import { onFailure } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import type { SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { describeRefused, refusedDestinations } from './refused-destinations.ts'

describe.each(alertTestBackends.slice(0, 1))(
  'a destination Slack refuses on $name',
  ({ db: backend, queue }) => {
    let t: TestDatabase
    let slack: SlackServer
    let queues: TestQueues
    let alerts: Alerts
    beforeAll(async () => {
      ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
      alerts = startAlerts({
        db: t.db,
        slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
        paceMs: 20,
        groupWindowMs: 50,
        runPollMs: 50,
        sweepMs: 100,
        queue: queues.location,
      })
    })
    afterAll(() => closeAlertsSuite({ alerts: [alerts], slack, queues, t }))

    const settled = async () => {
      await waitUntil('the outbox drained', async () => {
        const pending = await t.db
          .selectFrom('notifications')
          .select('id')
          .where('status', '=', 'pending')
          .execute()
        return pending.length === 0
      })
    }

    it('is recorded and shown, tried once per message, told to the owners once, and cleared when a message gets through', async () => {
      await seedProduct(t.db, { id: 'sales', owners: ['#sales-data'], stakeholders: ['#sales-gone'] })
      await seedProduct(t.db, { id: 'other', owners: ['#other'] })
      await seedPipeline(t.db, {
        id: 'sales.load',
        productId: 'sales',
        alerts: [onFailure({ notify: ['owners', 'stakeholders'] })],
      })
      slack.channelTrouble.set('#sales-gone', { error: 'channel_not_found' })
      const run = async (status: 'failed' | 'succeeded') => {
        await seedRun(t.db, { pipelineId: 'sales.load', productId: 'sales', status })
        alerts.nudge()
        await alerts.evaluateNow()
        await settled()
      }
      await run('failed')
      expect(await refusedDestinations(t.db, { productId: 'sales' })).toEqual([
        { destination: '#sales-gone', reason: 'channel_not_found', since: expect.any(Date) },
      ])
      expect(await refusedDestinations(t.db, { productId: 'other' })).toEqual([])
      const [refused] = await refusedDestinations(t.db)
      expect(refused && describeRefused(refused)).toMatch(
        /^Slack refuses #sales-gone \(channel_not_found\) since .*: alerts to it are not delivered; fix the destination/,
      )

      // A repeat and the resolution: nothing more is tried on the refused channel (its thread has no
      // first message), and the owners are told once.
      await run('failed')
      await run('succeeded')
      expect(slack.refused.filter((r) => r.channel === '#sales-gone')).toHaveLength(1)
      const told = slack.posts('#sales-data').filter((p) => p.text.includes('could not post to #sales-gone'))
      expect(told).toHaveLength(1)
      expect(slack.posts('#sales-data').map((p) => p.threadTs === undefined)).toEqual([
        true,
        true,
        false,
        false,
      ])

      // Fixed (the app invited): the next alert gets through and the destination is no longer refused.
      slack.channelTrouble.delete('#sales-gone')
      await run('failed')
      expect(slack.posts('#sales-gone')).toHaveLength(1)
      // Slack has the post before the sender records it (and clears the refusal).
      await waitUntil(
        'the refusal cleared',
        async () => (await refusedDestinations(t.db, { productId: 'sales' })).length === 0,
      )
    })
  },
)
