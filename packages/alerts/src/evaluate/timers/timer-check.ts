import type { AlertRule, Severity } from '@steward/pipelines/rules'
import type { Firing, Resolution } from '../../incidents/incident-lifecycle.ts'
import type { OutboxEntry, Trx } from '../../incidents/outbox.ts'
import { Mrkdwn } from '../../slack/mrkdwn.ts'
import { firingFor } from '../firing-for.ts'
import type { BoundRule, RuleCatalog } from '../rule-catalog.ts'

/**
 * One kind of rule checked on a timer (freshness, volume, budget…). A check reads SQL and answers
 * what should change; `evaluateTimers` applies the answers, in order, in the same transaction.
 */
export interface TimerCheck<R extends AlertRule = AlertRule> {
  evaluate(input: TimerCheckInput<R>): Promise<TimerOutcome[]>
}

/** What a check reads. */
export interface TimerCheckInput<R extends AlertRule> {
  /** The pass's transaction, to read with: changes are returned, never written here. */
  trx: Trx
  catalog: RuleCatalog
  bound: BoundRule
  /** `bound.rule`, narrowed to the check's kind. */
  rule: R
  /** The time the pass judges at (tests replay a day by moving it). */
  now: Date
}

/** What a check found. */
export type TimerOutcome =
  /** Open the incident of (rule, subject), or keep the open one open. */
  | { kind: 'fire'; firing: Firing }
  /** Resolve the open incident of (rule, subject), if there is one. */
  | { kind: 'resolve'; resolution: Resolution }
  /** A message that belongs to no incident (a digest). */
  | { kind: 'post'; message: OutboxEntry }
  /** Remind an incident's thread, and remember when. */
  | { kind: 'remind'; incidentId: string; at: Date; messages: OutboxEntry[] }

/**
 * A state found on a timer (stale data, a low hour): it opens the incident once and then keeps it
 * open quietly, so it is never a repeat in the thread.
 */
export function fire(
  bound: BoundRule,
  subject: Parameters<typeof firingFor>[1],
  what: { title: string; detail?: Mrkdwn; severity?: Severity },
  now: Date,
): TimerOutcome {
  const { title, detail = Mrkdwn.empty, severity } = what
  return {
    kind: 'fire',
    firing: firingFor(bound, subject, { title, detail, at: now, repeat: false, severity }),
  }
}

export function resolve(bound: BoundRule, subjectKey: string, reason: string, now: Date): TimerOutcome {
  return { kind: 'resolve', resolution: { ruleKey: bound.key, subjectKey, reason, at: now } }
}
