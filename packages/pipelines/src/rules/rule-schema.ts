import { durationMs, isTimeZone } from '@steward/kernel'
import { z } from 'zod'
import type { AlertRule } from './rule-types.ts'

/** One problem with a rule: `field` is a path inside the `alerts` list, e.g. `alerts[1].below.ratio`. */
export interface RuleIssue {
  field: string
  message: string
}

const slackPattern = /^(?:#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,}|[UW][A-Z0-9]{8,})$/

const duration = z.custom<string | number>().superRefine((value, ctx) => {
  const ms = durationMs(value)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: "must be a duration, e.g. '30m', '2h', '1d' or milliseconds" })
  } else if (ms === 0) ctx.addIssue({ code: 'custom', message: 'must be longer than 0' })
})
const hour = z
  .number({ error: 'must be an hour from 0 to 23' })
  .int({ error: 'must be an hour from 0 to 23' })
  .min(0, { error: 'must be an hour from 0 to 23' })
  .max(23, { error: 'must be an hour from 0 to 23' })

const positive = (what: string) =>
  z.number({ error: `must be ${what}` }).positive({ error: `must be ${what}` })
const wholeAtLeastOne = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .min(1, { error: `must be ${what}` })
    .max(52, { error: `must be at most 52` })
const name = z.string({ error: 'must be a string' }).regex(/^[a-z0-9][a-z0-9_-]*$/, {
  error: 'must be lowercase letters, digits, "-" or "_", e.g. "rows-drop"',
})

const labelNames = z
  .array(
    z.string({ error: 'must be a label name' }).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: 'must be a label name: letters, digits and "_", e.g. "host"',
    }),
    { error: 'must be a list of label names, e.g. ["host"]' },
  )
  .min(1, { error: 'must name at least one label, e.g. ["host"]' })
  .max(5, { error: 'must name at most 5 labels' })

const destination = z
  .string({ error: 'must be a string' })
  .refine((value) => slackPattern.test(value) || value === 'owners' || value === 'stakeholders', {
    error: (issue) =>
      /^@/.test(String(issue.input))
        ? `"${String(issue.input)}" is a Slack handle, which Slack cannot address: use the person's user id ("U…", in Slack: their profile › ⋮ › Copy member ID)`
        : `"${String(issue.input)}" is not "owners", "stakeholders" or a Slack destination ("#channel", "C…", "U…")`,
  })

const common = {
  name: name.optional(),
  notify: z
    .union([z.literal('owners'), z.literal('stakeholders'), z.array(destination).min(1)], {
      error: 'must be "owners", "stakeholders" or a list of Slack destinations, e.g. ["#data-oncall"]',
    })
    .optional(),
  severity: z
    .enum(['critical', 'warning', 'info'], { error: 'must be "critical", "warning" or "info"' })
    .optional(),
  runbook: z.url({ error: 'must be a URL' }).optional(),
  remindEvery: duration.optional(),
}

const baseline = z.union(
  [
    z.strictObject({ days: wholeAtLeastOne('a whole number of days from 1 to 52') }),
    z.strictObject({ weeks: wholeAtLeastOne('a whole number of weeks from 1 to 52') }),
  ],
  { error: 'must be { days: N } or { weeks: N }' },
)
const bound = z.union(
  [
    z.number(),
    z.strictObject({ vsSameHour: baseline, ratio: positive('a number above 0, e.g. 0.5') }),
    z.strictObject({
      vsSameHour: baseline,
      deviations: positive('a number of standard deviations above 0, e.g. 3'),
    }),
  ],
  {
    error:
      'must be a number, { vsSameHour: { days: 7 }, ratio: 0.5 } or { vsSameHour: { weeks: 4 }, deviations: 3 }',
  },
)

const ruleSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .strictObject({
        kind: z.literal('on-failure'),
        off: z.literal(true, { error: 'must be true (onFailure(false)) or left out' }).optional(),
        ...common,
      })
      .refine(
        (rule) => rule.off === undefined || Object.keys(rule).every((k) => k === 'kind' || k === 'off'),
        {
          error: 'onFailure(false) turns failure alerts off: it takes no other option',
        },
      ),
    z
      .strictObject({
        kind: z.literal('check-failed'),
        table: z.string({ error: 'must name a published table, e.g. "analytics.daily_activity"' }).optional(),
        checkSeverity: z.enum(['warn', 'error'], { error: 'must be "warn" or "error"' }).optional(),
        off: z.literal(true, { error: 'must be true (checkFailed(false)) or left out' }).optional(),
        ...common,
      })
      .refine(
        (rule) => rule.off === undefined || Object.keys(rule).every((k) => k === 'kind' || k === 'off'),
        { error: 'checkFailed(false) turns check alerts off: it takes no other option' },
      ),
    z.strictObject({ kind: z.literal('step-failed'), step: z.string().optional(), ...common }),
    z.strictObject({ kind: z.literal('run-too-long'), over: duration, ...common }),
    z
      .strictObject({
        kind: z.literal('late'),
        startWithin: duration.optional(),
        finishWithin: duration.optional(),
        ...common,
      })
      .refine((rule) => rule.startWithin !== undefined || rule.finishWithin !== undefined, {
        error: 'needs startWithin or finishWithin, e.g. late({ finishWithin: "3h" })',
      }),
    z
      .strictObject({
        kind: z.literal('freshness'),
        maxAge: duration.optional(),
        table: z.string({ error: 'must name a published table, e.g. "analytics.daily_activity"' }).optional(),
        metric: z.string().optional(),
        by: labelNames.optional(),
        ...common,
      })
      .refine((rule) => rule.by === undefined || rule.metric !== undefined, {
        error:
          'by needs metric: the labels belong to a metric, e.g. freshness({ metric: "rows", by: ["host"] })',
        path: ['by'],
      })
      .refine((rule) => rule.table === undefined || rule.metric === undefined, {
        error: 'table and metric are two ways to judge freshness: give one',
        path: ['table'],
      }),
    z.strictObject({
      kind: z.literal('schema-change'),
      table: z.string({ error: 'is required: a published table, e.g. "analytics.daily_activity"' }),
      ...common,
    }),
    z
      .strictObject({
        kind: z.literal('volume'),
        metric: z.string({ error: 'must be the metric name, e.g. "rows"' }).min(1).optional(),
        table: z.string({ error: 'must name a published table, e.g. "analytics.daily_activity"' }).optional(),
        step: z.string().optional(),
        below: bound.optional(),
        above: bound.optional(),
        by: labelNames.optional(),
        ...common,
      })
      .refine((rule) => rule.below !== undefined || rule.above !== undefined, {
        error: 'needs below or above, e.g. below: { vsSameHour: { days: 7 }, ratio: 0.5 }',
      })
      .refine((rule) => (rule.metric === undefined) !== (rule.table === undefined), {
        error:
          'needs a metric (volume({ metric: "rows", … })) or a table (volume({ table: "analytics.daily_activity", below: 1 })), not both',
        path: ['metric'],
      })
      .refine(
        (rule) =>
          rule.table === undefined ||
          ((rule.below === undefined || typeof rule.below === 'number') &&
            (rule.above === undefined || typeof rule.above === 'number') &&
            rule.by === undefined &&
            rule.step === undefined),
        {
          error: "a table's row count takes fixed bounds only: below and above as numbers, no by or step",
          path: ['table'],
        },
      ),
    z.strictObject({
      kind: z.literal('cost'),
      runAboveUsd: positive('a number of US dollars above 0'),
      ...common,
    }),
    z.strictObject({
      kind: z.literal('budget'),
      monthlyUsd: positive('a number of US dollars above 0').optional(),
      forecast: z.boolean({ error: 'must be true or false' }).optional(),
      ...common,
    }),
    z.strictObject({
      kind: z.literal('usage-drop'),
      ratio: positive('a number above 0, e.g. 0.5'),
      period: z.enum(['day', 'week', 'month'], { error: 'must be "day", "week" or "month"' }),
      ...common,
    }),
    z.strictObject({
      kind: z.literal('unused'),
      days: wholeAtLeastOne('a whole number of days from 1 to 52'),
      ...common,
    }),
    z.strictObject({
      kind: z.literal('digest'),
      every: z.enum(['day', 'week'], { error: 'must be "day" or "week"' }),
      atHour: hour.optional(),
      timezone: z
        .string({ error: 'must be an IANA time zone, e.g. "Europe/Berlin"' })
        .refine(isTimeZone, { error: 'must be an IANA time zone, e.g. "Europe/Berlin"' })
        .optional(),
      atHourUtc: hour.optional(),
      ...common,
    }),
  ],
  { error: 'must be an alert rule such as onFailure(), freshness() or volume({ … })' },
)

export type RuleScope = 'pipeline' | 'product'

/**
 * Every problem in an `alerts` list, with fields named from `alerts`. Checks what can be known
 * without the project: shapes, durations, destinations; steps are checked by `ruleStepProblems`.
 */
export function alertRuleIssues(rules: unknown, scope: RuleScope): RuleIssue[] {
  if (!Array.isArray(rules))
    return [{ field: 'alerts', message: 'must be a list of alert rules, e.g. [onFailure()]' }]
  const issues: RuleIssue[] = []
  rules.forEach((rule, index) => {
    const parsed = ruleSchema.safeParse(rule)
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        issues.push({ field: fieldPath(`alerts[${index}]`, issue.path), message: issue.message })
      return
    }
    const data = parsed.data
    if (
      data.kind === 'digest' &&
      data.atHourUtc !== undefined &&
      (data.atHour ?? data.timezone) !== undefined
    ) {
      issues.push({
        field: `alerts[${index}].atHourUtc`,
        message: 'give either atHourUtc, or atHour with a timezone, not both',
      })
    }
    if (data.kind === 'check-failed' && data.off && scope === 'pipeline') {
      issues.push({
        field: `alerts[${index}]`,
        message:
          "checkFailed(false) turns off the check alerts of a product: declare it in the product's alerts",
      })
    }
    if (data.kind === 'on-failure') {
      const other = rules.findIndex(
        (r, i) => i !== index && (r as { kind?: unknown } | null)?.kind === 'on-failure',
      )
      if (other !== -1 && data.off) {
        issues.push({
          field: `alerts[${index}]`,
          message: `onFailure(false) turns failure alerts off, but alerts[${other}] is an onFailure(): keep one of them`,
        })
      }
    }
    if (scope === 'product' && parsed.data.kind === 'late') {
      issues.push({
        field: `alerts[${index}]`,
        message: 'late() needs a schedule: put it on the scheduled pipeline',
      })
    }
  })
  return issues
}

/** Rules that name a step the pipeline does not have. */
export function ruleStepProblems(rules: readonly AlertRule[], stepIds: readonly string[]): RuleIssue[] {
  const issues: RuleIssue[] = []
  rules.forEach((rule, index) => {
    if (
      (rule.kind === 'step-failed' || rule.kind === 'volume') &&
      rule.step !== undefined &&
      !stepIds.includes(rule.step)
    ) {
      issues.push({
        field: `alerts[${index}].step`,
        message: `"${rule.step}" is not a step of this pipeline (steps: ${stepIds.join(', ') || 'none'})`,
      })
    }
  })
  return issues
}

/** Stored rules read back: the valid ones (a rule deployed by a newer version is skipped, not fatal). */
export function readRules(stored: unknown): AlertRule[] {
  if (!Array.isArray(stored)) return []
  return stored.flatMap((rule) => {
    const parsed = ruleSchema.safeParse(rule)
    return parsed.success ? [parsed.data as AlertRule] : []
  })
}

function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`
  return out
}
