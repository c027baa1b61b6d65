import { isTimeZone } from '@steward/kernel'
import { CronExpressionParser } from 'cron-parser'
import { didYouMean } from './did-you-mean.ts'

/**
 * Why `timezone` is not an IANA time zone, or undefined when it is. `Intl` is the judge because
 * the scheduler (BullMQ, through cron-parser and luxon) resolves zones through it too.
 */
export function timeZoneProblem(timezone: string): string | undefined {
  if (isTimeZone(timezone)) return undefined
  return `"${timezone}" is not an IANA time zone${didYouMean(timezone, Intl.supportedValuesOf('timeZone'))}; write it like "Europe/Berlin" or "UTC"`
}

/**
 * Why `cron` is not a schedule the scheduler can run, or undefined when it is. cron-parser is the
 * judge (BullMQ uses it for job schedulers), with one rule more: five or six fields, because
 * cron-parser quietly accepts fewer and reads them as something nobody meant.
 */
export function cronProblem(cron: string, timezone = 'UTC'): string | undefined {
  const fields = cron.trim().split(/\s+/)
  const hint =
    'five fields, minute hour day-of-month month day-of-week, e.g. "0 6 * * 1", or an alias such as "@daily"'
  if (!cron.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return `"${cron}" is not a cron expression: it has ${cron.trim() === '' ? 0 : fields.length} fields; write ${hint}`
  }
  try {
    CronExpressionParser.parse(cron, {
      tz: timeZoneProblem(timezone) === undefined ? timezone : 'UTC',
    }).next()
    return undefined
  } catch (error) {
    return `"${cron}" is not a cron expression (${(error as Error).message}); write ${hint}`
  }
}
