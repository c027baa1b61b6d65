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
  const [year, month, day] = localParts(now, timeZone)
  return zonedTime(year, month, day + 1, tomorrowHour, timeZone)
}

function localParts(at: Date, timeZone: string): [number, number, number, number, number] {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(at)
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return [get('year'), get('month'), get('day'), get('hour'), get('minute')]
}

/**
 * The instant a wall-clock time in `timeZone` names. Guess it as UTC, see what the zone shows at
 * that instant, and move by the difference; a second pass settles a DST change in between.
 */
function zonedTime(year: number, month: number, day: number, hour: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour)
  let guess = wanted
  for (let pass = 0; pass < 2; pass++) {
    const [y, mo, d, h, mi] = localParts(new Date(guess), timeZone)
    guess += wanted - Date.UTC(y, mo - 1, d, h, mi)
  }
  return new Date(guess)
}
