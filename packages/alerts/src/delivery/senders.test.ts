import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { closeSender, deliveryBacklog, registerSender, stuckDeliveryProblem } from './senders.ts'

/** What `/api/health` reads: notifications waiting over 5 minutes while no process could send them. */
describe.each(testBackends)('stuck notifications on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'churn' })
  })
  afterAll(async () => t?.dispose())
  const stuck = async () => stuckDeliveryProblem(await deliveryBacklog(t.db))
  const ago = (minutes: number) => sql<Date>`now() - make_interval(mins => ${minutes})`

  it('is a problem only when a notification waited over 5 minutes and nobody could send for as long', async () => {
    expect(await stuck()).toBeUndefined()
    await t.db
      .insertInto('notifications')
      .values({
        destination: '#churn',
        product_id: 'churn',
        rule_key: 'pipeline:churn.load:on-failure',
        incident_id: null,
        kind: 'first',
        payload: json({ text: 'churn.load failed', blocks: [] }),
        status: 'pending',
        created_at: ago(4),
      })
      .execute()
    // Four minutes: not yet.
    expect(await stuck()).toBeUndefined()
    await t.db
      .updateTable('notifications')
      .set({ created_at: ago(6) })
      .execute()
    expect(await stuck()).toBe(
      '1 Slack notification has waited over 5 minutes and no Steward process can send it: set SLACK_BOT_TOKEN on at least one process (steward dev or steward worker)',
    )

    // A live sender: it is on its way (pacing, a 429), not stuck.
    await registerSender(t.db, 'worker-a')
    expect(await stuck()).toBeUndefined()
    // Stopped two minutes ago: not five minutes without a sender yet.
    await closeSender(t.db, 'worker-a')
    await t.db
      .updateTable('alert_senders')
      .set({ closed_at: ago(2), seen_at: ago(2) })
      .execute()
    expect(await stuck()).toBeUndefined()
    // A sender that stopped beating (killed) ten minutes ago.
    await t.db
      .updateTable('alert_senders')
      .set({ closed_at: null, seen_at: ago(10) })
      .execute()
    expect(await stuck()).toMatch(/^1 Slack notification has waited .* \(the last one that could stopped at /)
    expect(await deliveryBacklog(t.db)).toMatchObject({ liveSenders: 0, pending: 1, waiting: 1 })
  })
})
