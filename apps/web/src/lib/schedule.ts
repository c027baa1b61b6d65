import { CronExpressionParser } from 'cron-parser'

/**
 * A pipeline's schedule as people say it, and its next and previous fire times. `describeCron`
 * covers the shapes schedules usually take (every N minutes, daily, weekdays, weekly, monthly) and
 * answers undefined for anything else, where the page shows the expression itself.
 */
const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

const aliases: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

export function describeCron(cron: string): string | undefined {
  const expanded = aliases[cron.trim()] ?? cron.trim()
  const fields = expanded.split(/\s+/)
  if (fields.length !== 5) return undefined
  const [minute, hour, day, month, weekday] = fields as [string, string, string, string, string]
  const isNumber = (field: string) => /^\d+$/.test(field)
  const everyMinutes = /^\*\/(\d+)$/.exec(minute)
  if (hour === '*' && day === '*' && month === '*' && weekday === '*') {
    if (minute === '*') return 'Every minute'
    if (everyMinutes) return `Every ${everyMinutes[1]} minutes`
    if (isNumber(minute)) return minute === '0' ? 'Every hour, on the hour' : `Every hour at minute ${minute}`
    return undefined
  }
  const everyHours = /^\*\/(\d+)$/.exec(hour)
  if (everyHours && isNumber(minute) && day === '*' && month === '*' && weekday === '*') {
    return `Every ${everyHours[1]} hours at minute ${minute}`
  }
  if (!isNumber(minute) || !isNumber(hour)) return undefined
  const at = `at ${hour.padStart(2, '0')}:${minute.padStart(2, '0')}`
  if (month !== '*') return undefined
  if (day === '*' && weekday === '*') return `Every day ${at}`
  if (day === '*') {
    const days = weekdayList(weekday)
    if (!days) return undefined
    if (days === 'Monday to Friday') return `Weekdays ${at}`
    return `Every ${days} ${at}`
  }
  if (weekday === '*' && isNumber(day)) return `Monthly on day ${day} ${at}`
  return undefined
}

function weekdayList(field: string): string | undefined {
  if (field === '1-5') return 'Monday to Friday'
  const parts = field.split(',')
  if (!parts.every((part) => /^[0-7]$/.test(part))) return undefined
  const names = parts.map((part) => weekdays[Number(part) % 7] ?? part)
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/** The next `count` fire times after `from`, in the schedule's time zone; [] when the cron is unreadable. */
export function nextFireTimes(cron: string, timezone: string | null, from: Date, count = 1): Date[] {
  try {
    const expression = CronExpressionParser.parse(cron, { tz: timezone ?? 'UTC', currentDate: from })
    return Array.from({ length: count }, () => expression.next().toDate())
  } catch {
    return []
  }
}

/** The last `count` fire times before `at`, newest first; [] when the cron is unreadable. */
export function previousFireTimes(cron: string, timezone: string | null, at: Date, count: number): Date[] {
  try {
    const expression = CronExpressionParser.parse(cron, { tz: timezone ?? 'UTC', currentDate: at })
    return Array.from({ length: count }, () => expression.prev().toDate())
  } catch {
    return []
  }
}

/** The last fire time at or before `at`, or undefined when the cron is unreadable. */
export function previousFireTime(cron: string, timezone: string | null, at: Date): Date | undefined {
  try {
    return CronExpressionParser.parse(cron, { tz: timezone ?? 'UTC', currentDate: at })
      .prev()
      .toDate()
  } catch {
    return undefined
  }
}

/** A fire time as the schedule's readers think of it: "Mon 30 Nov, 07:00" in its own time zone. */
export function formatInZone(at: Date, timezone: string | null): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone ?? 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at)
}
