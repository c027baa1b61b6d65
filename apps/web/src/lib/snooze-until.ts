import { addDays, dateIn, instantOf } from '@steward/kernel'

/** The snooze lengths the alerts page offers; the Slack button and the HTTP API take any duration. */
export const snoozeChoices = ['1h', '4h', 'tomorrow'] as const
export type SnoozeChoice = (typeof snoozeChoices)[number]

export function isSnoozeChoice(value: unknown): value is SnoozeChoice {
  return typeof value === 'string' && (snoozeChoices as readonly string[]).includes(value)
}

/** The hour "until tomorrow" ends: the start of the next working morning. */
export const tomorrowHour = 9

/**
 * When a snooze chosen at `now` ends. "Tomorrow" is 09:00 on the next calendar day in `timeZone`
 * (the usage calendar's zone), so a snooze at 23:30 in Seoul does not end at 09:00 UTC.
 */
export function snoozeUntil(choice: SnoozeChoice, now: Date, timeZone: string): Date {
  if (choice === '1h') return new Date(now.getTime() + 3_600_000)
  if (choice === '4h') return new Date(now.getTime() + 4 * 3_600_000)
  return instantOf({ date: addDays(dateIn(now, timeZone), 1), hour: tomorrowHour }, timeZone)
}
