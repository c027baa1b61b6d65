import type { AlertRule, AlertRuleKind } from '@steward/pipelines/rules'
import { fireIncident, resolveIncident } from '../incidents/incident-lifecycle.ts'
import { addToOutbox, type Db, type Trx } from '../incidents/outbox.ts'
import { RuleCatalog } from './rule-catalog.ts'
import { budgetCheck } from './timers/budget.ts'
import { digestCheck } from './timers/digest.ts'
import { freshnessCheck } from './timers/freshness.ts'
import { lateCheck } from './timers/late.ts'
import { remindersDue } from './timers/reminders.ts'
import { runTooLongCheck } from './timers/run-too-long.ts'
import { schemaChangeCheck } from './timers/schema-change.ts'
import type { TimerCheck, TimerOutcome } from './timers/timer-check.ts'
import { unusedCheck } from './timers/unused.ts'
import { usageDropCheck } from './timers/usage-drop.ts'
import { volumeCheck } from './timers/volume.ts'

/** The rule kinds no event announces, each checked by its own file in `timers/`. */
const checksByKind = {
  freshness: freshnessCheck,
  volume: volumeCheck,
  budget: budgetCheck,
  late: lateCheck,
  'run-too-long': runTooLongCheck,
  digest: digestCheck,
  unused: unusedCheck,
  'usage-drop': usageDropCheck,
  'schema-change': schemaChangeCheck,
} satisfies { [K in AlertRuleKind]?: TimerCheck<Extract<AlertRule, { kind: K }>> }

// Looked up by the rule's own kind, so a check always gets a rule of its kind.
const timerChecks: Partial<Record<AlertRuleKind, TimerCheck>> = checksByKind

/**
 * The rules no event announces, checked on a timer against SQL: freshness, volume (a metric that
 * stopped arriving is 0), budgets, late scheduled runs, runs still going past their bound,
 * unused products, usage drops and digests; then the reminders of open incidents. One pass is one
 * transaction, serialised across processes by a cursor row.
 */
export async function evaluateTimers(db: Db, options: { now?: Date } = {}): Promise<void> {
  const now = options.now ?? new Date()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('alert_cursors')
      .values({ name: 'timers', position: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute()
    await trx
      .selectFrom('alert_cursors')
      .select('position')
      .where('name', '=', 'timers')
      .forUpdate()
      .execute()
    const catalog = await RuleCatalog.load(trx)
    for (const bound of catalog.rules) {
      const check = timerChecks[bound.rule.kind]
      if (check) await apply(trx, await check.evaluate({ trx, catalog, bound, rule: bound.rule, now }))
    }
    await apply(trx, await remindersDue(trx, now))
    await trx.updateTable('alert_cursors').set({ position: now }).where('name', '=', 'timers').execute()
  })
}

/** Writes what a check found, in the order it found it. */
async function apply(trx: Trx, outcomes: readonly TimerOutcome[]): Promise<void> {
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case 'fire':
        await fireIncident(trx, outcome.firing)
        break
      case 'resolve':
        await resolveIncident(trx, outcome.resolution)
        break
      case 'post':
        await addToOutbox(trx, outcome.message)
        break
      case 'remind':
        await trx
          .updateTable('incidents')
          .set({ last_reminded_at: outcome.at })
          .where('id', '=', outcome.incidentId)
          .execute()
        for (const message of outcome.messages) await addToOutbox(trx, message)
        break
    }
  }
}
