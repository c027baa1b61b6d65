// The kernel: what every Steward package shares. It imports nothing of ours and no third-party
// package, so the SDK that definitions import stays light.
export { isStewardError, StewardError } from './errors/steward-error.ts'
export {
  findTextProblem,
  jsonDepth,
  postgresJson,
  postgresText,
  replacementCharacter,
  type TextProblemAt,
  textProblem,
} from './text/postgres-text.ts'
export { redactUrl } from './text/redact-url.ts'
export {
  addDays,
  addMonths,
  type CalendarDate,
  daysBetween,
  isCalendarDate,
  type Weekday,
  weekdayOf,
  weekdays,
} from './time/calendar-date.ts'
export {
  type CalendarPeriod,
  nextPeriod,
  periodStart,
  periodsBetween,
  previousPeriod,
} from './time/calendar-period.ts'
export {
  type Duration,
  type DurationErrorCode,
  type DurationUnit,
  durationMs,
  parseDuration,
  readDuration,
} from './time/duration.ts'
export { addHours, type LocalTime } from './time/local-time.ts'
export { dateIn, instantOf, isTimeZone, localTimeAt } from './time/time-zone.ts'
