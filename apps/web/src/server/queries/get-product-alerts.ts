import { alertLedger, defaultLedgerDays, deliveryBacklog, type LedgerLine } from '@steward/alerts'
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

export interface ProductAlerts {
  incidents: ProductIncident[]
  notifications: ProductNotification[]
  /** The ledger of the last `defaultLedgerDays` days: per rule and destination, the noisiest first. */
  ledger: LedgerLine[]
  /** Whether a Steward process can send to Slack now; without one, pending notifications are recorded only. */
  canSend: boolean
}

/**
 * A product's alert history (incidents and the Slack messages sent about them, from
 * @steward/alerts' tables): the newest of each, open incidents first, and the ledger of the last
 * 30 days (@steward/alerts `alertLedger`). Every query goes through the `product_id` indexes of
 * incidents and notifications.
 */
export async function getProductAlerts(
  db: Db,
  productId: string,
  options: { limit?: number; now?: Date } = {},
): Promise<ProductAlerts> {
  const limit = options.limit ?? 20
  const since = new Date((options.now ?? new Date()).getTime() - defaultLedgerDays * 86_400_000)
  const [incidents, notifications, ledger, backlog] = await Promise.all([
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
    alertLedger(db, { productId, since }),
    deliveryBacklog(db),
  ])
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
    ledger,
  }
}
