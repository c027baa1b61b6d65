import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'

/** How far back the ledger looks unless told otherwise (the product page, `/alerts`, the API). */
export const defaultLedgerDays = 30

/** An incident closed by its own rule within this time, with nobody acknowledging or snoozing it, flapped. */
export const flapWindowMinutes = 15

/** A rule is a candidate to tune when more than this share of its incidents flapped… */
export const tuneFlappingShare = 0.5
/** …over at least this many incidents (one incident that fixed itself says little). */
export const tuneMinIncidents = 3

/** One line of the ledger: what one rule of one product did to one destination. */
export interface LedgerLine {
  productId: string
  productName: string
  ruleKey: string
  /** A Slack channel or user id; `''` for incidents that had no destination. */
  destination: string
  /** Messages written to the outbox for it (first, follow-ups, reminders, resolutions, digests). */
  notifications: number
  /** Of those, the ones Slack accepted. */
  sent: number
  /** Incidents opened in the window (an incident with two destinations counts on both lines). */
  incidents: number
  /** Of those, still open. */
  open: number
  /** Median minutes from opening to acknowledgement, over the acknowledged incidents; null when none was. */
  medianAckMinutes: number | null
  /** Median minutes from opening to resolution, over the resolved incidents; null when none was. */
  medianResolveMinutes: number | null
  /** Incidents resolved by their rule within 15 minutes that nobody acknowledged or snoozed. */
  flapping: number
  /** flapping / incidents; null without incidents. */
  flappingShare: number | null
  /**
   * flappingShare × sent: about how many of the messages were about problems that went away on
   * their own. Share alone ranks a rule that fired once as high as one that pings every hour;
   * volume alone ranks a busy rule with real problems as noisy. The product is the number of
   * pointless messages, which is what people stop reading a channel for.
   */
  noiseScore: number
  /** Most incidents flap (see tuneFlappingShare, tuneMinIncidents): tune its threshold or window. */
  tuneCandidate: boolean
}

export interface LedgerQuery {
  /** One product only; default every product. */
  productId?: string
  /** Count incidents opened and messages written from this instant on. */
  since: Date
}

/**
 * The alert ledger: per product, rule and destination, the messages written and sent, the
 * incidents opened, the median times to acknowledge and to resolve, the share that flapped and
 * a noise score. Noisiest first.
 *
 * Contract:
 * - inputs: `since` (instant), `productId` (optional).
 * - output: one row per (product, rule, destination) with an incident opened or a notification
 *   written since `since`; an incident counts on the line of each of its destinations (or `''`).
 * - reads: `incidents` through `incidents_product_idx` (product_id, opened_at) with a product,
 *   a scan of the retained incidents without one (retention bounds them, default 90 days);
 *   `notifications` likewise through `notifications_product_idx`. Takes no locks; a snapshot.
 * - invariants: flapping ≤ incidents; an incident that was acknowledged or snoozed never flaps,
 *   however fast it resolved; an open incident never flaps.
 */
export async function alertLedger(db: Kysely<Database>, query: LedgerQuery): Promise<LedgerLine[]> {
  const since = query.since.toISOString()
  const product = query.productId ?? null
  const result = await sql<{
    product_id: string
    product_name: string
    rule_key: string
    destination: string
    notifications: string
    sent: string
    incidents: string
    open: string
    median_ack_s: number | null
    median_resolve_s: number | null
    flapping: string
  }>`
    with inc as (
      select i.product_id, i.rule_key, d.destination, i.status,
        extract(epoch from i.acked_at - i.opened_at) as ack_s,
        extract(epoch from i.resolved_at - i.opened_at) as resolve_s,
        (i.status = 'resolved' and i.acked_at is null and i.snoozed_until is null
          and i.resolved_at <= i.opened_at + make_interval(mins => ${flapWindowMinutes})) as flapped
      from incidents i
      cross join lateral unnest(
        case when cardinality(i.destinations) = 0 then array['']::text[] else i.destinations end
      ) as d (destination)
      where i.opened_at >= ${since}::timestamptz
        and (${product}::text is null or i.product_id = ${product}::text)
    ),
    by_incident as (
      select product_id, rule_key, destination,
        count(*) as incidents,
        count(*) filter (where status = 'open') as open,
        count(*) filter (where flapped) as flapping,
        percentile_cont(0.5) within group (order by ack_s) as median_ack_s,
        percentile_cont(0.5) within group (order by resolve_s) as median_resolve_s
      from inc group by 1, 2, 3
    ),
    by_message as (
      select n.product_id, n.rule_key, n.destination,
        count(*) as notifications,
        count(*) filter (where n.status = 'sent') as sent
      from notifications n
      where n.created_at >= ${since}::timestamptz
        and (${product}::text is null or n.product_id = ${product}::text)
      group by 1, 2, 3
    )
    select l.product_id, coalesce(p.name, l.product_id) as product_name, l.rule_key, l.destination,
      coalesce(m.notifications, 0)::text as notifications, coalesce(m.sent, 0)::text as sent,
      coalesce(i.incidents, 0)::text as incidents, coalesce(i.open, 0)::text as open,
      coalesce(i.flapping, 0)::text as flapping,
      i.median_ack_s::float8 as median_ack_s, i.median_resolve_s::float8 as median_resolve_s
    from (
      select product_id, rule_key, destination from by_incident
      union
      select product_id, rule_key, destination from by_message
    ) l
    left join by_incident i using (product_id, rule_key, destination)
    left join by_message m using (product_id, rule_key, destination)
    left join products p on p.id = l.product_id`.execute(db)
  const minutes = (seconds: number | null) => (seconds === null ? null : Number(seconds) / 60)
  return result.rows
    .map((row): LedgerLine => {
      const incidents = Number(row.incidents)
      const flapping = Number(row.flapping)
      const sent = Number(row.sent)
      const flappingShare = incidents > 0 ? flapping / incidents : null
      return {
        productId: row.product_id,
        productName: row.product_name,
        ruleKey: row.rule_key,
        destination: row.destination,
        notifications: Number(row.notifications),
        sent,
        incidents,
        open: Number(row.open),
        medianAckMinutes: minutes(row.median_ack_s),
        medianResolveMinutes: minutes(row.median_resolve_s),
        flapping,
        flappingShare,
        noiseScore: (flappingShare ?? 0) * sent,
        tuneCandidate:
          incidents >= tuneMinIncidents && flappingShare !== null && flappingShare > tuneFlappingShare,
      }
    })
    .sort(
      (a, b) =>
        b.noiseScore - a.noiseScore ||
        b.incidents + b.notifications - (a.incidents + a.notifications) ||
        a.productId.localeCompare(b.productId) ||
        a.ruleKey.localeCompare(b.ruleKey) ||
        a.destination.localeCompare(b.destination),
    )
}
