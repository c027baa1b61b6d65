const units = [
  { seconds: 86_400, one: 'day', many: 'days' },
  { seconds: 3_600, one: 'hour', many: 'hours' },
  { seconds: 60, one: 'minute', many: 'minutes' },
  { seconds: 1, one: 'second', many: 'seconds' },
] as const

/**
 * A duration as people say it: 691200 → "8 days", 129600 → "1 day 12 hours", 5400 → "1 hour
 * 30 minutes". At most two units, the smaller one rounded, so a promise reads at a glance.
 */
export function humaniseDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  const index = units.findIndex((unit) => seconds >= unit.seconds)
  const unit = units[index]
  if (unit === undefined) return '0 seconds'
  const whole = Math.floor(seconds / unit.seconds)
  const next = units[index + 1]
  const rest = next ? Math.round((seconds - whole * unit.seconds) / next.seconds) : 0
  // Rounding the smaller unit can reach a whole larger one (23 h 59 min 50 s → "23 hours 60
  // minutes"): carry it, and start again in case that makes a larger unit still ("1 day").
  if (next && rest * next.seconds >= unit.seconds) return humaniseDuration((whole + 1) * unit.seconds)
  return next && rest > 0 ? `${count(whole, unit)} ${count(rest, next)}` : count(whole, unit)
}

function count(n: number, unit: { one: string; many: string }): string {
  return `${n} ${n === 1 ? unit.one : unit.many}`
}

/**
 * US dollars from a `numeric` string as the database returns it: "200.00" → "$200",
 * "1234.5" → "$1,234.50". Cents only when there are some.
 */
export function formatUsd(amount: string | number): string {
  const value = Number(amount)
  const hasCents = Math.round(value * 100) % 100 !== 0
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: hasCents ? 2 : 0,
    maximumFractionDigits: 2,
  }).format(value)
}

/** The noun for a count: (1, 'pipeline') → "pipeline", (3, 'pipeline') → "pipelines". */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many
}

/**
 * A run's or step's length, short: 850 ms → "850ms", 12.3 s → "12.3s", 95 s → "1m 35s",
 * 2 h 5 min → "2h 5m".
 */
export function formatDurationMs(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)}s`
  const totalSeconds = Math.round(ms / 1_000)
  if (totalSeconds < 3_600) {
    const seconds = totalSeconds % 60
    return seconds > 0 ? `${Math.floor(totalSeconds / 60)}m ${seconds}s` : `${Math.floor(totalSeconds / 60)}m`
  }
  const minutes = Math.round((totalSeconds % 3_600) / 60)
  const hours = Math.floor(totalSeconds / 3_600)
  return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`
}

/** An instant in UTC, as the pages show it: "2026-11-23 22:20:01 UTC". */
export function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** How long ago, short: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function timeAgo(at: Date, now: Date): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1_000)
  if (seconds < 0) return `in ${humaniseDuration(-seconds)}`
  if (seconds < 45) return 'just now'
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3_600)} h ago`
  const days = Math.round(seconds / 86_400)
  return `${days} ${noun(days, 'day')} ago`
}

/** Money that can be tiny (a run's compute): "$0.0042", "$1.25". */
export function formatCost(amount: string | number | null): string {
  if (amount === null) return '—'
  const value = Number(amount)
  if (value === 0) return '$0'
  if (Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`
  return formatUsd(value)
}

/** Text for SVG markup written as a string: the five characters XML reserves, escaped. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** `text` cut to at most `max` characters, its last one an ellipsis when cut: for labels with a fixed width. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
