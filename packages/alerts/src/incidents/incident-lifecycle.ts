import { randomUUID } from 'node:crypto'
import type { Incident } from '@steward/db'
import type { Severity } from '@steward/pipelines/rules'
import type { Mrkdwn } from '../slack/mrkdwn.ts'
import { renderFirstFor, renderFollowUp, renderResolved, renderStakeholderResolved } from '../slack/render.ts'
import { audienceOf } from './destinations.ts'
import { productViews } from './message-context.ts'
import { addToOutbox, type Trx } from './outbox.ts'

/** A rule's verdict about one subject: what `fireIncident` needs to open or update an incident. */
export interface Firing {
  ruleKey: string
  ruleKind: string
  subjectKey: string
  productId: string
  pipelineId?: string | null
  stepId?: string | null
  severity: Severity
  /** Plain text (escaped where it is rendered). */
  title: string
  /** Slack mrkdwn, built with `slack/mrkdwn.ts` so every piece of data in it is escaped. */
  detail: Mrkdwn
  runbook?: string | null
  destinations: readonly string[]
  /** The destinations (among `destinations`) that get the stakeholders' plain message. */
  stakeholderDestinations?: readonly string[]
  /** Slack ids the owners' message mentions (`U…`, `S…`), chosen by severity (`mentionsFor`). */
  mentions?: readonly string[]
  remindEverySeconds?: number | null
  at: Date
  /**
   * Events (a failed run) repeat: each firing of an open incident posts a follow-up in its thread.
   * States checked on a timer (stale data, a low hour) do not: they keep the incident open quietly.
   */
  repeat: boolean
}

export type FireOutcome = 'opened' | 'repeated' | 'unchanged'

/**
 * Opens the incident for (rule, subject), or updates the open one, with its notifications, in the
 * caller's transaction. A pending follow-up not yet delivered is merged into, never doubled, so a
 * storm of repeats costs one thread reply per delivery slot. Repeats reply in the owners' threads
 * only: stakeholders hear that the product is affected and when it is back, not every failure.
 */
export async function fireIncident(trx: Trx, firing: Firing): Promise<FireOutcome> {
  const open = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('rule_key', '=', firing.ruleKey)
    .where('subject_key', '=', firing.subjectKey)
    .where('status', '=', 'open')
    .forUpdate()
    .executeTakeFirst()
  if (!open) {
    const stakeholders = (firing.stakeholderDestinations ?? []).filter((d) => firing.destinations.includes(d))
    const incident = await trx
      .insertInto('incidents')
      .values({
        id: randomUUID(),
        rule_key: firing.ruleKey,
        rule_kind: firing.ruleKind,
        subject_key: firing.subjectKey,
        product_id: firing.productId,
        pipeline_id: firing.pipelineId ?? null,
        step_id: firing.stepId ?? null,
        severity: firing.severity,
        title: firing.title,
        detail: firing.detail.text,
        runbook: firing.runbook ?? null,
        destinations: [...firing.destinations],
        stakeholder_destinations: stakeholders,
        mentions: [...(firing.mentions ?? [])],
        // Only the stakeholders' message says it: no query on the owners-only path.
        last_good_at: stakeholders.length > 0 ? await lastGoodAt(trx, firing) : null,
        status: 'open',
        opened_at: firing.at,
        last_fired_at: firing.at,
        remind_every_seconds: firing.remindEverySeconds ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    // Only the stakeholders' message names the product and its owners.
    const products =
      incident.stakeholder_destinations.length > 0
        ? await productViews(trx, [incident.product_id])
        : new Map()
    for (const destination of incident.destinations) {
      await addToOutbox(trx, {
        destination,
        productId: incident.product_id,
        ruleKey: incident.rule_key,
        incidentId: incident.id,
        kind: 'first',
        payload: renderFirstFor(audienceOf(incident, destination), [incident], products),
        at: firing.at,
      })
    }
    return 'opened'
  }
  if (!firing.repeat) return 'unchanged'
  const updated = await trx
    .updateTable('incidents')
    .set((eb) => ({
      fire_count: eb('fire_count', '+', 1),
      last_fired_at: firing.at,
      detail: firing.detail.text,
    }))
    .where('id', '=', open.id)
    .returningAll()
    .executeTakeFirstOrThrow()
  if (isSnoozed(updated, firing.at)) return 'repeated'
  for (const destination of updated.destinations) {
    if (audienceOf(updated, destination) === 'owners')
      await queueFollowUp(trx, updated, destination, firing.at)
  }
  return 'repeated'
}

async function queueFollowUp(trx: Trx, incident: Incident, destination: string, at: Date): Promise<void> {
  const pending = await trx
    .selectFrom('notifications')
    .select(['id', 'kind'])
    .where('incident_id', '=', incident.id)
    .where('destination', '=', destination)
    .where('status', '=', 'pending')
    .where('kind', 'in', ['first', 'follow_up'])
    .orderBy('id', 'desc')
    .executeTakeFirst()
  // The first message itself is not out yet: it will show the count, nothing to add; unless it is
  // being posted right now (its channel is leased), rendered already without this firing.
  if (pending?.kind === 'first' && !(await channelLeased(trx, destination))) return
  if (pending?.kind === 'follow_up') {
    await trx
      .updateTable('notifications')
      .set({ payload: JSON.stringify(renderFollowUp(incident)) })
      .where('id', '=', pending.id)
      .execute()
    return
  }
  await addToOutbox(trx, {
    destination,
    productId: incident.product_id,
    ruleKey: incident.rule_key,
    incidentId: incident.id,
    kind: 'follow_up',
    payload: renderFollowUp(incident),
    at,
  })
}

export interface Resolution {
  ruleKey: string
  subjectKey: string
  reason: string
  at: Date
}

/** Resolves the open incident for (rule, subject), if any: the first message is updated and the thread told. */
export async function resolveIncident(trx: Trx, resolution: Resolution): Promise<boolean> {
  const incident = await trx
    .updateTable('incidents')
    .set({ status: 'resolved', resolved_at: resolution.at, resolved_reason: resolution.reason })
    .where('rule_key', '=', resolution.ruleKey)
    .where('subject_key', '=', resolution.subjectKey)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
  if (!incident) return false
  // Repeats not yet delivered are moot now, and so are edits: the resolution edits the first message.
  await trx
    .deleteFrom('notifications')
    .where('incident_id', '=', incident.id)
    .where('status', '=', 'pending')
    .where('kind', 'in', ['follow_up', 'reminder', 'update'])
    .execute()
  const product = (incident.stakeholder_destinations.length > 0
    ? (await productViews(trx, [incident.product_id])).get(incident.product_id)
    : undefined) ?? { name: incident.product_id, owners: [] }
  for (const destination of incident.destinations) {
    await addToOutbox(trx, {
      destination,
      productId: incident.product_id,
      ruleKey: incident.rule_key,
      incidentId: incident.id,
      kind: 'resolved',
      payload:
        audienceOf(incident, destination) === 'stakeholders'
          ? renderStakeholderResolved(incident, product)
          : renderResolved(incident, resolution.reason),
      at: resolution.at,
    })
  }
  return true
}

/**
 * When the data was last good, for the stakeholders: the newest successful run of the firing's
 * pipeline (or, for a rule about the product, of any of its pipelines) that finished before it.
 * Runs only when an incident opens.
 */
async function lastGoodAt(trx: Trx, firing: Firing): Promise<Date | null> {
  const row = await trx
    .selectFrom('runs')
    .select('finished_at')
    .where(firing.pipelineId ? 'pipeline_id' : 'product_id', '=', firing.pipelineId ?? firing.productId)
    .where('status', '=', 'succeeded')
    .where('finished_at', '<=', firing.at)
    // By creation, the order the (pipeline_id | product_id, created_at desc) indexes keep.
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.finished_at ?? null
}

export function isSnoozed(incident: Pick<Incident, 'snoozed_until'>, at: Date): boolean {
  return incident.snoozed_until !== null && incident.snoozed_until.getTime() > at.getTime()
}

/** Whether a delivery loop holds the destination's channel now: a message may be on its way to Slack. */
export async function channelLeased(trx: Trx, destination: string): Promise<boolean> {
  const channel = await trx
    .selectFrom('alert_channels')
    .select((eb) => eb('lease_until', '>', eb.fn<Date>('now')).as('leased'))
    .where('destination', '=', destination)
    .executeTakeFirst()
  return channel?.leased === true
}
