import type { AlertRule } from '@steward/pipelines/rules'
import { resolve, type TimerCheckInput, type TimerOutcome } from './timer-check.ts'

/**
 * Resolves the rule's open incidents for sources no longer watched (`subjectBase/<source>` not in
 * `watched`): a source that is gone is not an alarm forever.
 */
export async function resolveGoneSources(
  { trx, bound, now }: Pick<TimerCheckInput<AlertRule>, 'trx' | 'bound' | 'now'>,
  subjectBase: string,
  watched: ReadonlySet<string>,
  reason: string,
): Promise<TimerOutcome[]> {
  const open = await trx
    .selectFrom('incidents')
    .select('subject_key')
    .where('rule_key', '=', bound.key)
    .where('status', '=', 'open')
    .where('subject_key', 'like', `${subjectBase.replace(/[\\%_]/g, '\\$&')}/%`)
    .execute()
  return open
    .filter(({ subject_key }) => !watched.has(subject_key.slice(subjectBase.length + 1)))
    .map(({ subject_key }) => resolve(bound, subject_key, reason, now))
}
