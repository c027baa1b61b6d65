import { readDuration } from '@steward/kernel'
import { z } from 'zod'
import type { DefinitionIssue } from './brand.ts'

/**
 * The zod pieces the define functions share. They check the shape of the options; what needs the
 * whole project (ids elsewhere, cron, time zones, the step graph) is checked by ../validation.
 */

/** Product and pipeline ids: lowercase words joined by `-`, `.` or `_`, e.g. `signup-funnel.build`. */
export const idPattern = /^[a-z0-9]+(?:[-._][a-z0-9]+)*$/
const idHint = 'lowercase letters and digits joined by "-", "." or "_", e.g. "signup-funnel.build"'

/** Step ids are object keys, read in `upstream.<id>` and used in job ids `<runId>:<stepId>`. */
export const stepIdPattern = /^[A-Za-z][A-Za-z0-9_-]*$/
export const stepIdHint = 'a letter, then letters, digits, "_" or "-", e.g. "extract" or "build_funnel"'

/** `#channel`, a channel id (`C…`, `G…`) or a user id (`U…`, `W…`). */
export const slackPattern = /^(?:#[a-z0-9][a-z0-9._-]{0,79}|[CG][A-Z0-9]{8,}|[UW][A-Z0-9]{8,})$/
const slackHint = 'a "#channel", a channel id ("C…") or a user id ("U…")'

/** Whom a message can mention: a user id (`U…`, `W…`) or a user group id (`S…`). */
export const mentionPattern = /^(?:[UW][A-Z0-9]{8,}|S[A-Z0-9]{8,})$/
const mentionHint = 'a user id ("U…") or a user group id ("S…")'

/**
 * Slack retired `@handle`s in messages and in its API: a mention needs the id. Says so, and how to
 * find it, for a value such as `@maria`; undefined for anything else.
 */
export function slackHandleProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^@/.test(value.trim())) return undefined
  return `"${value}" is a Slack handle, which Slack cannot address: use the person's user id ("U…", in Slack: their profile › ⋮ › Copy member ID) or a user group's id ("S…")`
}

/** A string option, with messages that say "is required" instead of zod's "expected string, received undefined". */
export const text = (what = 'a string') =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be ${what}`) })

export const nonEmptyText = (what = 'a string') => text(what).trim().min(1, { error: 'must not be empty' })

export const id = () =>
  text('an id').regex(idPattern, {
    error: (issue) => `"${String(issue.input)}" is not a valid id: use ${idHint}`,
  })

export const slackDestination = () =>
  text(`a Slack destination: ${slackHint}`).regex(slackPattern, {
    error: (issue) =>
      slackHandleProblem(issue.input) ??
      `"${String(issue.input)}" is not a Slack destination: use ${slackHint}`,
  })

/** One Slack id to mention in the owners' messages. */
export const slackMention = () =>
  text(`a Slack id to mention: ${mentionHint}`).regex(mentionPattern, {
    error: (issue) =>
      slackHandleProblem(issue.input) ?? `"${String(issue.input)}" cannot be mentioned: use ${mentionHint}`,
  })

export const positiveInt = (what: string) =>
  z
    .number({ error: `must be ${what}` })
    .int({ error: `must be ${what}` })
    .positive({ error: `must be ${what}` })

export const retries = () => {
  const error = 'must be a whole number from 0 to 100'
  return z.number({ error }).int({ error }).min(0, { error }).max(100, { error })
}

export const duration = (options: { positive?: boolean } = {}) =>
  z.custom<string | number>().superRefine((value, ctx) => {
    const read = readDuration(value)
    if (!read.ok) ctx.addIssue({ code: 'custom', message: read.message })
    else if (options.positive && read.ms === 0)
      ctx.addIssue({ code: 'custom', message: 'must be longer than 0' })
  })

export const backoff = () =>
  z.strictObject({
    type: z.enum(['fixed', 'exponential'], { error: 'must be "fixed" or "exponential"' }),
    delay: duration(),
  })

/** A value zod cannot inspect (functions, schemas, other definitions), checked by a predicate. */
export const satisfies = <T>(check: (value: unknown) => boolean, message: string) =>
  z.custom<T>((value) => check(value), { error: message })

/** zod's issues as definition issues, with paths written the way people write them: `owners[0].slack`. */
export function issuesFromZod(error: z.ZodError, prefix = ''): DefinitionIssue[] {
  return error.issues.map((issue) => ({ field: fieldPath(prefix, issue.path), message: issue.message }))
}

export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out
}

/** Checks `value` against `schema`, returning the issues found (none when it fits). */
export function check(schema: z.ZodType, value: unknown, prefix = ''): DefinitionIssue[] {
  const result = schema.safeParse(value)
  return result.success ? [] : issuesFromZod(result.error, prefix)
}
