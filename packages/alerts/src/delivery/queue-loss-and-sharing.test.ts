import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addToOutbox } from '../incidents/outbox.ts'
import { webApiTransport } from '../slack/web-api-transport.ts'
import { seedProduct } from '../testing/seed.ts'
import { type SlackRequest, SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { destinationOfJob } from './delivery-queue.ts'
import { type Delivery, startDelivery } from './delivery-worker.ts'

const paceMs = 100
// Timers fire a little early or late; the server stamps arrival, not the send decision.
const slackMs = 8

describe.each(alertTestBackends)('the delivery queue on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let slack: SlackServer
  let queues: TestQueues
  const running: Delivery[] = []
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'digests' })
  })
  afterEach(async () => {
    for (const delivery of running.splice(0)) await delivery.close()
    await slack?.close()
    await queues?.dispose()
    await t.db.deleteFrom('notifications').execute()
    await t.db.deleteFrom('alert_channels').execute()
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const deliver = (sent: { count: number } = { count: 0 }, sweepMs = 60_000) => {
    const delivery = startDelivery({
      db: t.db,
      transport: webApiTransport({ token: 'xoxb-test', apiUrl: slack.apiUrl }),
      queue: queues.location,
      paceMs,
      groupWindowMs: 0,
      backoff: { baseMs: 100, maxMs: 400 },
      concurrency: 3,
      sweepMs,
      onOutcome: (outcome) => {
        if (outcome === 'sent') sent.count++
      },
    })
    running.push(delivery)
    return delivery
  }

  /** `perChannel` digests for each of `channels` channels, committed to the outbox in id order. */
  const queueDigests = async (channels: number, perChannel: number) => {
    for (let i = 0; i < perChannel; i++) {
      for (let c = 0; c < channels; c++) {
        await addToOutbox(t.db, {
          destination: `#queue-${c}`,
          productId: 'digests',
          ruleKey: `digest:${c}:${i}`,
          incidentId: null,
          kind: 'digest',
          payload: { text: `digest ${i} for #queue-${c}`, blocks: [] },
          at: new Date(),
        })
      }
    }
  }

  const unsent = async () =>
    (await t.db.selectFrom('notifications').select('id').where('status', '!=', 'sent').execute()).length

  /** Every notification posted exactly once, in outbox order per channel, each post paced. */
  const assertDeliveredOnce = async (channels: number, perChannel: number) => {
    const rows = await t.db.selectFrom('notifications').selectAll().orderBy('id').execute()
    expect(rows).toHaveLength(channels * perChannel)
    for (let c = 0; c < channels; c++) {
      const mine = rows.filter((n) => n.destination === `#queue-${c}`)
      const posts = slack.posts(`#queue-${c}`)
      expect(posts.map((p) => p.text)).toEqual(mine.map((n) => n.payload.text))
      expect(posts.map((p) => p.ts)).toEqual(mine.map((n) => n.slack_ts))
      expect(mine.every((n) => n.status === 'sent' && n.attempts === 1)).toBe(true)
      assertPaced(posts, paceMs)
    }
  }

  it('a lost queue (its keys or job rows deleted, as a FLUSHALL) while notifications wait: the sweep re-adds the jobs, all delivered, none twice', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    await queueDigests(4, 8)
    const delivery = deliver({ count: 0 }, 300)
    await delivery.enqueueNow()
    await waitUntil('some delivered', () => slack.posts().length >= 4)
    const pendingAtLoss = await unsent()
    const lost = await queues.loseJobs()
    expect(pendingAtLoss).toBeGreaterThan(4)
    expect(lost).toBeGreaterThan(0)
    await waitUntil('all delivered after the loss', async () => (await unsent()) === 0, 30_000)
    await assertDeliveredOnce(4, 8)
  })

  it('without the sweep a lost queue stays lost (the sweep is what restores it)', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    await queueDigests(2, 6)
    const delivery = deliver()
    await delivery.enqueueNow()
    await waitUntil('some delivered', () => slack.posts().length >= 2)
    await queues.loseJobs()
    // A job running while its keys went away may finish its send (slowly, on a busy machine with
    // the embedded database); then nothing moves.
    await new Promise((resolve) => setTimeout(resolve, 10 * paceMs))
    const stalled = await unsent()
    await new Promise((resolve) => setTimeout(resolve, 6 * paceMs))
    expect(await unsent()).toBe(stalled)
    expect(stalled).toBeGreaterThan(0)
    // The sweep's work, done once by hand: everything goes.
    await delivery.enqueueNow()
    await waitUntil('all delivered after the jobs are re-added', async () => (await unsent()) === 0, 30_000)
    await assertDeliveredOnce(2, 6)
  })

  it('a process that closes mid-way hands its channels over: the next one finishes them, nothing twice', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    await queueDigests(3, 8)
    const leaving = { count: 0 }
    const first = deliver(leaving)
    await first.enqueueNow()
    await waitUntil('some delivered', () => slack.posts().length >= 3)
    await first.close()
    running.splice(running.indexOf(first), 1)
    const left = await unsent()
    expect(left).toBeGreaterThan(0)
    // The closed process's jobs wait in the queue (delayed until each channel's next send).
    const inspect = queues.openQueue('alert-delivery')
    const waiting = await inspect.getJobCounts('delayed', 'wait', 'prioritized')
    await inspect.close()
    expect(Object.values(waiting).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0)
    const taking = { count: 0 }
    deliver(taking)
    // The last send's commit can reach this poll before the worker resumes to count it.
    await waitUntil(
      'the rest delivered and counted by the next process',
      async () => (await unsent()) === 0 && taking.count >= left,
      30_000,
    )
    expect(taking.count).toBe(left)
    expect(leaving.count + taking.count).toBe(24)
    await assertDeliveredOnce(3, 8)
  })

  it('two delivery processes sharing the queue: both serve channels, none faster than its pace, nothing twice', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    await queueDigests(6, 10)
    const a = { count: 0 }
    const b = { count: 0 }
    const first = deliver(a)
    const second = deliver(b)
    await Promise.all([first.enqueueNow(), second.enqueueNow()])
    await waitUntil(
      'all delivered and counted by the two processes',
      async () => (await unsent()) === 0 && a.count + b.count >= 60,
      60_000,
    )
    await assertDeliveredOnce(6, 10)
    expect(a.count + b.count).toBe(60)
    expect(a.count).toBeGreaterThan(0)
    expect(b.count).toBeGreaterThan(0)
  })

  it('a nudged process serves the channels that may send before it returns (no queue hop), beside another serving the queue: each sent once, in order, paced', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    const a = { count: 0 }
    const b = { count: 0 }
    const first = deliver(a)
    // Its start-up look is done: the notifications below are found by the nudge alone.
    await first.enqueueNow()
    // As many channels as it serves at once (`concurrency`).
    await queueDigests(3, 10)
    await first.deliverDueNow()
    // Awaited, and no channel had a job: every channel's first message went out from the nudged
    // process (its second may have followed already, through the job it added for the rest).
    expect(slack.posts().map((p) => p.text)).toEqual(
      expect.arrayContaining(Array.from({ length: 3 }, (_, c) => `digest 0 for #queue-${c}`)),
    )
    // The rest is left to the channels' jobs, which a second process serves too, while both keep
    // being nudged: every channel is raced for by both queues' jobs and both processes' nudges.
    const second = deliver(b)
    const nudging = setInterval(() => {
      first.nudge()
      second.nudge()
    }, 10)
    try {
      await waitUntil(
        'all delivered and counted by the two processes',
        async () => (await unsent()) === 0 && a.count + b.count >= 30,
        60_000,
      )
    } finally {
      clearInterval(nudging)
    }
    await assertDeliveredOnce(3, 10)
    expect(a.count + b.count).toBe(30)
  })

  it('a process closed while it serves nudged channels releases them; the next one finishes, nothing twice', async () => {
    slack = await SlackServer.start()
    queues = new TestQueues(queue, t)
    const leaving = { count: 0 }
    const first = deliver(leaving)
    await first.enqueueNow()
    await queueDigests(3, 5)
    first.nudge()
    await waitUntil('a first post from the nudge', () => slack.posts().length >= 1)
    await first.close()
    running.splice(running.indexOf(first), 1)
    // Nothing is left leased: what the closed process did not send waits for the next one.
    const leased = await t.db
      .selectFrom('alert_channels')
      .select('destination')
      .where('lease_owner', 'is not', null)
      .execute()
    expect(leased).toEqual([])
    const taking = { count: 0 }
    deliver(taking, 300)
    await waitUntil(
      'the rest delivered by the next process',
      async () => (await unsent()) === 0 && leaving.count + taking.count >= 15,
      30_000,
    )
    expect(leaving.count + taking.count).toBe(15)
    await assertDeliveredOnce(3, 5)
  })
})

describe('the channel of a delivery job', () => {
  it('is read from the data, else from the id (a job whose data a racing FLUSHALL lost still serves its channel)', () => {
    expect(destinationOfJob({ id: 'channel.%23a', data: { destination: '#b' } })).toBe('#b')
    expect(destinationOfJob({ id: 'channel.%23sales%3Aeu', data: {} })).toBe('#sales:eu')
    expect(destinationOfJob({ id: '42', data: {} })).toBeUndefined()
    expect(destinationOfJob({ id: 'channel.%E0%A4%A', data: {} })).toBeUndefined()
  })
})

function assertPaced(requests: readonly SlackRequest[], minGapMs: number): void {
  for (let i = 1; i < requests.length; i++) {
    const gap = (requests[i]?.at ?? 0) - (requests[i - 1]?.at ?? 0)
    expect(gap, `gap before request ${i} to ${requests[i]?.channel}`).toBeGreaterThanOrEqual(
      minGapMs - slackMs,
    )
  }
}
