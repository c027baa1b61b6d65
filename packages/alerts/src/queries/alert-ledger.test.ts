import { randomUUID } from 'node:crypto'
import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedProduct } from '../testing/seed.ts'
import { alertLedger } from './alert-ledger.ts'

const minute = 60_000
const start = new Date('2026-11-02T08:00:00Z')
const at = (minutes: number) => new Date(start.getTime() + minutes * minute)

interface SeededIncident {
  product: string
  rule: string
  destinations: string[]
  /** Minutes after `start`. */
  opened: number
  ackedAfter?: number
  snoozedAfter?: number
  resolvedAfter?: number
  /** Notifications written for it, by status. */
  messages?: ('sent' | 'pending' | 'failed')[]
}

describe.each(testBackends)('alert ledger on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, { id: 'orders' })
    await seedProduct(t.db, { id: 'churn' })
  })
  afterAll(async () => {
    await t?.dispose()
  })

  async function seed(incident: SeededIncident) {
    const id = randomUUID()
    const opened = at(incident.opened)
    const after = (m: number | undefined) => (m === undefined ? null : at(incident.opened + m))
    await t.db
      .insertInto('incidents')
      .values({
        id,
        rule_key: incident.rule,
        rule_kind: incident.rule.split(':')[1] ?? 'failure',
        subject_key: `${incident.rule}/${id}`,
        product_id: incident.product,
        severity: 'critical',
        title: 'seeded',
        destinations: incident.destinations,
        status: incident.resolvedAfter === undefined ? 'open' : 'resolved',
        opened_at: opened,
        last_fired_at: opened,
        resolved_at: after(incident.resolvedAfter),
        resolved_reason: incident.resolvedAfter === undefined ? null : 'recovered',
        acked_at: after(incident.ackedAfter),
        acked_by: incident.ackedAfter === undefined ? null : 'ana',
        snoozed_until: incident.snoozedAfter === undefined ? null : at(incident.opened + 600),
        snoozed_by: incident.snoozedAfter === undefined ? null : 'ana',
      })
      .execute()
    for (const destination of incident.destinations) {
      for (const status of incident.messages ?? []) {
        await t.db
          .insertInto('notifications')
          .values({
            destination,
            product_id: incident.product,
            rule_key: incident.rule,
            incident_id: id,
            kind: 'first',
            payload: json({ text: 'seeded', blocks: [] }),
            status,
            created_at: opened,
          })
          .execute()
      }
    }
  }

  it('counts messages and incidents, with exact medians and flapping shares per rule and destination', async () => {
    const freshness = 'product:orders:freshness'
    const failure = 'pipeline:orders.load:failure'
    // Freshness: four incidents that each resolved alone within 15 minutes (3, 5, 9, 15 min), one
    // acknowledged after 4 min then resolved at 10 (someone acted: not flapping), one resolved
    // after 40 min (too slow to be flapping).
    for (const [i, resolvedAfter] of [3, 5, 9, 15].entries())
      await seed({
        product: 'orders',
        rule: freshness,
        destinations: ['#orders'],
        opened: i * 60,
        resolvedAfter,
        messages: ['sent', 'sent'],
      })
    await seed({
      product: 'orders',
      rule: freshness,
      destinations: ['#orders'],
      opened: 300,
      ackedAfter: 4,
      resolvedAfter: 10,
      messages: ['sent', 'sent'],
    })
    await seed({
      product: 'orders',
      rule: freshness,
      destinations: ['#orders'],
      opened: 400,
      resolvedAfter: 40,
      messages: ['sent', 'pending'],
    })
    // Failure: to the owners and the stakeholders. Acked after 2, 6 and 20 min; one still open;
    // one snoozed after 1 min and resolved at 5 (acted on: not flapping).
    await seed({
      product: 'orders',
      rule: failure,
      destinations: ['#orders', '#growth'],
      opened: 10,
      ackedAfter: 2,
      resolvedAfter: 30,
      messages: ['sent'],
    })
    await seed({
      product: 'orders',
      rule: failure,
      destinations: ['#orders', '#growth'],
      opened: 20,
      ackedAfter: 6,
      resolvedAfter: 60,
      messages: ['sent'],
    })
    await seed({
      product: 'orders',
      rule: failure,
      destinations: ['#orders', '#growth'],
      opened: 30,
      ackedAfter: 20,
      messages: ['sent', 'failed'],
    })
    await seed({
      product: 'orders',
      rule: failure,
      destinations: ['#orders', '#growth'],
      opened: 40,
      snoozedAfter: 1,
      resolvedAfter: 5,
      messages: ['sent'],
    })
    // Another product, and one incident before the window.
    await seed({ product: 'churn', rule: 'product:churn:unused', destinations: ['#churn'], opened: 0 })
    await seed({
      product: 'orders',
      rule: freshness,
      destinations: ['#orders'],
      opened: -2000,
      resolvedAfter: 1,
      messages: ['sent'],
    })

    const lines = await alertLedger(t.db, { productId: 'orders', since: at(-60) })
    expect(lines.map((l) => [l.ruleKey, l.destination])).toEqual([
      // noisiest first: 4/6 of 12 messages sent → 8
      [freshness, '#orders'],
      [failure, '#growth'],
      [failure, '#orders'],
    ])
    const [fresh, growth, owners] = lines
    expect(fresh).toEqual({
      productId: 'orders',
      productName: 'orders',
      ruleKey: freshness,
      destination: '#orders',
      notifications: 12,
      sent: 11,
      incidents: 6,
      open: 0,
      medianAckMinutes: 4,
      // 3, 5, 9, 10, 15, 40 → (9 + 10) / 2
      medianResolveMinutes: 9.5,
      flapping: 4,
      flappingShare: 4 / 6,
      noiseScore: (4 / 6) * 11,
      tuneCandidate: true,
    })
    for (const line of [growth, owners]) {
      expect(line).toMatchObject({
        notifications: 5,
        sent: 4,
        incidents: 4,
        open: 1,
        // 2, 6, 20
        medianAckMinutes: 6,
        // 30, 60, 5 → 30
        medianResolveMinutes: 30,
        flapping: 0,
        flappingShare: 0,
        noiseScore: 0,
        tuneCandidate: false,
      })
    }

    // Every product: the churn line has an incident and no message; no median without data.
    const all = await alertLedger(t.db, { since: at(-60) })
    expect(all).toHaveLength(4)
    expect(all.find((l) => l.productId === 'churn')).toMatchObject({
      ruleKey: 'product:churn:unused',
      destination: '#churn',
      incidents: 1,
      open: 1,
      notifications: 0,
      medianAckMinutes: null,
      medianResolveMinutes: null,
      flappingShare: 0,
      tuneCandidate: false,
    })
    // A window that starts after everything: nothing.
    expect(await alertLedger(t.db, { since: at(10_000) })).toEqual([])
  })

  it('does not flag a rule on one or two incidents that fixed themselves', async () => {
    await seedProduct(t.db, { id: 'tiny' })
    for (const opened of [0, 60])
      await seed({
        product: 'tiny',
        rule: 'product:tiny:volume',
        destinations: [],
        opened,
        resolvedAfter: 2,
      })
    const [line] = await alertLedger(t.db, { productId: 'tiny', since: at(-60) })
    expect(line).toMatchObject({
      destination: '',
      incidents: 2,
      flapping: 2,
      flappingShare: 1,
      tuneCandidate: false,
    })
  })
})
