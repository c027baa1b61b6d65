import { deliveryBacklog, type RefusedDestination, refusedDestinations } from '@steward/alerts'
import type { IncidentStatus, NotificationKind, NotificationStatus } from '@steward/db'
import type { Db } from '../read-database.ts'

export interface ProductIncident {
  id: string
  ruleKey: string
  title: string
  severity: string
  status: IncidentStatus
  fireCount: number
  openedAt: Date
  lastFiredAt: Date
  resolvedAt: Date | null
  ackedAt: Date | null
}

export interface ProductNotification {
  id: string
  ruleKey: string
  kind: NotificationKind
  destination: string
  status: NotificationStatus
  text: string
  createdAt: Date
}

export interface RuleCount {
  ruleKey: string
  incidents: number
  open: number
  notifications: number
  lastAt: Date
}

export interface ProductAlerts {
  incidents: ProductIncident[]
  notifications: ProductNotification[]
  /** Every rule that ever fired for the product, the busiest first. */
  rules: RuleCount[]
  /** Whether a Steward process can send to Slack now; without one, pending notifications are recorded only. */
  canSend: boolean
  /** Destinations Slack refused for good a message about this product (channel_not_found…), until one gets through. */
  refused: RefusedDestination[]
}

/**
 * A product's alert history (incidents and the Slack messages sent about them, from
 * @steward/alerts' tables): the newest of each, open incidents first, and counts per rule over
 * all time. Three queries through the `product_id` indexes of incidents and notifications.
 */
export async function getProductAlerts(db: Db, productId: string, limit = 20): Promise<ProductAlerts> {
  const [incidents, notifications, incidentCounts, notificationCounts, backlog, refused] = await Promise.all([
    db
      .selectFrom('incidents')
      .select([
        'id',
        'rule_key',
        'title',
        'severity',
        'status',
        'fire_count',
        'opened_at',
        'last_fired_at',
        'resolved_at',
        'acked_at',
      ])
      .where('product_id', '=', productId)
      .orderBy((eb) => eb.case().when('status', '=', 'open').then(0).else(1).end())
      .orderBy('opened_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('notifications')
      .select(['id', 'rule_key', 'kind', 'destination', 'status', 'payload', 'created_at'])
      .where('product_id', '=', productId)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('incidents')
      .select((eb) => [
        'rule_key',
        eb.fn.countAll<string>().as('incidents'),
        eb.fn.count<string>('id').filterWhere('status', '=', 'open').as('open'),
        eb.fn.max('last_fired_at').as('last_at'),
      ])
      .where('product_id', '=', productId)
      .groupBy('rule_key')
      .execute(),
    db
      .selectFrom('notifications')
      .select((eb) => [
        'rule_key',
        eb.fn.countAll<string>().as('notifications'),
        eb.fn.max('created_at').as('last_at'),
      ])
      .where('product_id', '=', productId)
      .groupBy('rule_key')
      .execute(),
    deliveryBacklog(db),
    refusedDestinations(db, { productId }),
  ])
  const rules = new Map<string, RuleCount>()
  const rule = (ruleKey: string) => {
    let entry = rules.get(ruleKey)
    if (!entry) {
      entry = { ruleKey, incidents: 0, open: 0, notifications: 0, lastAt: new Date(0) }
      rules.set(ruleKey, entry)
    }
    return entry
  }
  for (const row of incidentCounts) {
    const entry = rule(row.rule_key)
    entry.incidents = Number(row.incidents)
    entry.open = Number(row.open)
    if (new Date(row.last_at) > entry.lastAt) entry.lastAt = new Date(row.last_at)
  }
  for (const row of notificationCounts) {
    const entry = rule(row.rule_key)
    entry.notifications = Number(row.notifications)
    if (new Date(row.last_at) > entry.lastAt) entry.lastAt = new Date(row.last_at)
  }
  return {
    incidents: incidents.map((i) => ({
      id: i.id,
      ruleKey: i.rule_key,
      title: i.title,
      severity: i.severity,
      status: i.status,
      fireCount: i.fire_count,
      openedAt: i.opened_at,
      lastFiredAt: i.last_fired_at,
      resolvedAt: i.resolved_at,
      ackedAt: i.acked_at,
    })),
    notifications: notifications.map((n) => ({
      id: n.id,
      ruleKey: n.rule_key,
      kind: n.kind,
      destination: n.destination,
      status: n.status,
      text: n.payload.text,
      createdAt: n.created_at,
    })),
    canSend: backlog.liveSenders > 0,
    refused,
    rules: [...rules.values()].sort(
      (a, b) =>
        b.incidents + b.notifications - (a.incidents + a.notifications) || a.ruleKey.localeCompare(b.ruleKey),
    ),
  }
}
