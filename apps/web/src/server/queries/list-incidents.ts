import { deliveryBacklog } from '@steward/alerts'
import type { IncidentStatus, NotificationKind, NotificationStatus, SlackPayload } from '@steward/db'
import { sql } from 'kysely'
import { type AlertsFilter, historyPageSize, openPageSize } from '#lib/alerts-filter.ts'
import type { Db } from '../read-database.ts'

export interface IncidentNotification {
  id: string
  kind: NotificationKind
  destination: string
  status: NotificationStatus
  payload: SlackPayload
  attempts: number
  lastError: string | null
  slackChannel: string | null
  slackTs: string | null
  threadTs: string | null
  createdAt: Date
  sentAt: Date | null
}

export interface IncidentRow {
  id: string
  ruleKey: string
  ruleKind: string
  subjectKey: string
  productId: string
  productName: string
  pipelineId: string | null
  stepId: string | null
  severity: string
  title: string
  detail: string
  runbook: string | null
  status: IncidentStatus
  fireCount: number
  openedAt: Date
  lastFiredAt: Date
  resolvedAt: Date | null
  resolvedReason: string | null
  ackedAt: Date | null
  ackedBy: string | null
  snoozedUntil: Date | null
  snoozedBy: string | null
  notifications: IncidentNotification[]
}

export interface AlertsPage {
  /** One page of the open incidents matching the filter (`openPageSize`), most severe and most recent first. */
  open: IncidentRow[]
  openCount: number
  /** One page of resolved incidents, the most recently resolved first. */
  history: IncidentRow[]
  historyCount: number
  /** Products with an open incident (and the filtered one), suggested by the filter. */
  products: { id: string; name: string }[]
  /** Whether any incident exists at all (for the empty state). */
  anyIncident: boolean
  /** Whether a Steward process can send to Slack now; without one, pending notifications are recorded only. */
  canSend: boolean
}

/** Notifications shown per incident (a noisy one keeps its newest). */
const notificationLimit = 20

const severityRank = sql<number>`case i.severity when 'critical' then 0 when 'warning' then 1 when 'info' then 2 else 3 end`

/**
 * The alerts page: open incidents, a page of history, and each shown incident's notifications
 * with their delivery state. A handful of indexed queries whatever the history's size
 * (incidents by status and time, notifications by incident).
 */
export async function listIncidents(db: Db, filter: AlertsFilter): Promise<AlertsPage> {
  const base = () => {
    let query = db.selectFrom('incidents as i').innerJoin('products as p', 'p.id', 'i.product_id')
    if (filter.product) query = query.where('i.product_id', '=', filter.product)
    return query
  }
  const columns = [
    'i.id',
    'i.rule_key',
    'i.rule_kind',
    'i.subject_key',
    'i.product_id',
    'p.name as product_name',
    'i.pipeline_id',
    'i.step_id',
    'i.severity',
    'i.title',
    'i.detail',
    'i.runbook',
    'i.status',
    'i.fire_count',
    'i.opened_at',
    'i.last_fired_at',
    'i.resolved_at',
    'i.resolved_reason',
    'i.acked_at',
    'i.acked_by',
    'i.snoozed_until',
    'i.snoozed_by',
  ] as const
  const showOpen = filter.status !== 'resolved'
  const showHistory = filter.status !== 'open'
  const [open, openCount, history, historyCount, products, any, backlog] = await Promise.all([
    showOpen
      ? base()
          .select(columns)
          .where('i.status', '=', 'open')
          .orderBy(severityRank)
          .orderBy('i.last_fired_at', 'desc')
          .orderBy('i.id')
          .limit(openPageSize)
          .offset(((filter.openPage ?? 1) - 1) * openPageSize)
          .execute()
      : [],
    countWhere(db, filter.product, 'open'),
    showHistory
      ? base()
          .select(columns)
          .where('i.status', '=', 'resolved')
          .orderBy('i.resolved_at', 'desc')
          .orderBy('i.id')
          .limit(historyPageSize)
          .offset((filter.page - 1) * historyPageSize)
          .execute()
      : [],
    countWhere(db, filter.product, 'resolved'),
    db
      .selectFrom('products as p')
      .select(['p.id', 'p.name'])
      .where((eb) =>
        eb.or([
          eb(
            'p.id',
            'in',
            eb.selectFrom('incidents as i').select('i.product_id').where('i.status', '=', 'open'),
          ),
          ...(filter.product ? [eb('p.id', '=', filter.product)] : []),
        ]),
      )
      .orderBy('p.name')
      .execute(),
    db.selectFrom('incidents').select('id').limit(1).executeTakeFirst(),
    deliveryBacklog(db),
  ])
  const shown = [...open, ...history]
  const notifications = await notificationsOf(
    db,
    shown.map((i) => i.id),
  )
  const row = (i: (typeof shown)[number]): IncidentRow => ({
    id: i.id,
    ruleKey: i.rule_key,
    ruleKind: i.rule_kind,
    subjectKey: i.subject_key,
    productId: i.product_id,
    productName: i.product_name,
    pipelineId: i.pipeline_id,
    stepId: i.step_id,
    severity: i.severity,
    title: i.title,
    detail: i.detail,
    runbook: i.runbook,
    status: i.status,
    fireCount: i.fire_count,
    openedAt: i.opened_at,
    lastFiredAt: i.last_fired_at,
    resolvedAt: i.resolved_at,
    resolvedReason: i.resolved_reason,
    ackedAt: i.acked_at,
    ackedBy: i.acked_by,
    snoozedUntil: i.snoozed_until,
    snoozedBy: i.snoozed_by,
    notifications: notifications.get(i.id) ?? [],
  })
  return {
    open: open.map(row),
    openCount,
    history: history.map(row),
    historyCount,
    products,
    anyIncident: any !== undefined,
    canSend: backlog.liveSenders > 0,
  }
}

async function countWhere(db: Db, product: string | undefined, status: IncidentStatus): Promise<number> {
  let query = db
    .selectFrom('incidents')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', status)
  if (product) query = query.where('product_id', '=', product)
  const row = await query.executeTakeFirst()
  return Number(row?.n ?? 0)
}

async function notificationsOf(db: Db, incidentIds: string[]): Promise<Map<string, IncidentNotification[]>> {
  const byIncident = new Map<string, IncidentNotification[]>()
  if (incidentIds.length === 0) return byIncident
  // The newest few of each incident, oldest first on the page (the order they were posted).
  const rows = await sql<{
    id: string
    incident_id: string
    kind: NotificationKind
    destination: string
    status: NotificationStatus
    payload: SlackPayload
    attempts: number
    last_error: string | null
    slack_channel: string | null
    slack_ts: string | null
    thread_ts: string | null
    created_at: Date
    sent_at: Date | null
  }>`
    select n.id::text, n.incident_id, n.kind, n.destination, n.status, n.payload, n.attempts, n.last_error,
      n.slack_channel, n.slack_ts, n.thread_ts, n.created_at, n.sent_at
    from unnest(${incidentIds}::uuid[]) as shown(id)
    cross join lateral (
      select * from notifications x where x.incident_id = shown.id order by x.id desc limit ${notificationLimit}
    ) n
    order by n.incident_id, n.id`.execute(db)
  for (const r of rows.rows) {
    const list = byIncident.get(r.incident_id) ?? []
    list.push({
      id: r.id,
      kind: r.kind,
      destination: r.destination,
      status: r.status,
      payload: r.payload,
      attempts: r.attempts,
      lastError: r.last_error,
      slackChannel: r.slack_channel,
      slackTs: r.slack_ts,
      threadTs: r.thread_ts,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    })
    byIncident.set(r.incident_id, list)
  }
  return byIncident
}
