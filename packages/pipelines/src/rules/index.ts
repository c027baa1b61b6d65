// Alert rules as data: what definitions import. No database or Slack code is reachable from here.
export { type Duration, durationMs } from '@steward/kernel'
export { defaultFailureRule, type FailureAlerting, failureAlerting } from './failure-alerts.ts'
export {
  budget,
  checkFailed,
  cost,
  digest,
  freshness,
  late,
  onFailure,
  runTooLong,
  schemaChange,
  stepFailed,
  unused,
  usageDrop,
  volume,
} from './rule-builders.ts'
export { ruleKeys } from './rule-key.ts'
export {
  alertRuleIssues,
  type RuleIssue,
  type RuleScope,
  readRules,
  ruleStepProblems,
} from './rule-schema.ts'
export type * from './rule-types.ts'
