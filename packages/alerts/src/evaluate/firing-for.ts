import type { Severity } from '@steward/pipelines/rules'
import { mentionsFor, resolveDestinations } from '../incidents/destinations.ts'
import type { Firing } from '../incidents/incident-lifecycle.ts'
import type { Mrkdwn } from '../slack/mrkdwn.ts'
import { type BoundRule, remindEverySeconds } from './rule-catalog.ts'

/** The parts of a firing every rule shares: destinations by audience, mentions, severity, runbook, reminders. */
export function firingFor(
  bound: BoundRule,
  subject: { key: string; pipelineId?: string | null; stepId?: string | null },
  what: { title: string; detail: Mrkdwn; at: Date; repeat: boolean; severity?: Severity },
): Firing {
  const { rule, product } = bound
  const defaultSeverity: Severity =
    rule.kind === 'on-failure' || rule.kind === 'step-failed' ? 'critical' : 'warning'
  const severity = rule.severity ?? what.severity ?? defaultSeverity
  const audiences = resolveDestinations(
    rule.notify ?? (rule.kind === 'digest' ? 'stakeholders' : 'owners'),
    product,
  )
  return {
    ruleKey: bound.key,
    ruleKind: rule.kind,
    subjectKey: subject.key,
    productId: product.id,
    pipelineId: subject.pipelineId ?? null,
    stepId: subject.stepId ?? null,
    severity,
    title: what.title,
    detail: what.detail,
    runbook: rule.runbook ?? null,
    destinations: audiences.destinations,
    stakeholderDestinations: audiences.stakeholderDestinations,
    mentions: mentionsFor(product.owners, severity),
    remindEverySeconds: remindEverySeconds(rule),
    at: what.at,
    repeat: what.repeat,
  }
}
