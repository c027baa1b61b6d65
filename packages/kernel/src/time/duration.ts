import { StewardError } from '../errors/steward-error.ts'

export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w'

/**
 * A length of time: a number of milliseconds, or a string of one or more amounts with units,
 * largest first: `'30s'`, `'10m'`, `'1h30m'`, `'8d'`, `'1.5h'`.
 */
export type Duration = number | `${number}${DurationUnit}` | `${number}${DurationUnit}${number}${string}`

export type DurationErrorCode = 'DURATION_INVALID'

const unitMs: Record<DurationUnit, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}
const order: DurationUnit[] = ['w', 'd', 'h', 'm', 's', 'ms']
// `ms` before `m` and `s`, so that "500ms" is not read as 500 minutes and a stray "s".
const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y

const hint = "write it like '30s', '10m', '1h30m' or '8d', or as a number of milliseconds"

/** Milliseconds of a duration, or the reason it is not one. Used by the option schemas, which collect problems instead of throwing. */
export function readDuration(value: unknown): { ok: true; ms: number } | { ok: false; message: string } {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return { ok: true, ms: Math.round(value) }
    return { ok: false, message: `${value} is not a duration: a number of milliseconds must be 0 or more` }
  }
  if (typeof value !== 'string') return { ok: false, message: `must be a duration: ${hint}` }
  const text = value.trim()
  let ms = 0
  let lastUnit = -1
  part.lastIndex = 0
  while (part.lastIndex < text.length) {
    const at = part.lastIndex
    const match = part.exec(text)
    if (!match) {
      return { ok: false, message: `"${value}" is not a duration (at "${text.slice(at)}"): ${hint}` }
    }
    const unit = match[2] as DurationUnit
    const rank = order.indexOf(unit)
    if (rank <= lastUnit) {
      return {
        ok: false,
        message: `"${value}" is not a duration: units go largest first, once each; ${hint}`,
      }
    }
    lastUnit = rank
    ms += Number(match[1]) * unitMs[unit]
  }
  if (text === '') return { ok: false, message: `"" is not a duration: ${hint}` }
  return { ok: true, ms: Math.round(ms) }
}

/**
 * Milliseconds of a duration.
 *
 * @example
 * parseDuration('1h30m') // 5_400_000
 * parseDuration(250) // 250
 * parseDuration('10 minutes') // throws StewardError DURATION_INVALID
 */
export function parseDuration(value: Duration | string): number {
  const read = readDuration(value)
  if (!read.ok) throw new StewardError<DurationErrorCode>('DURATION_INVALID', read.message)
  return read.ms
}

/** Milliseconds of a duration, or undefined when the value is not one (rules read back from SQL). */
export function durationMs(value: unknown): number | undefined {
  const read = readDuration(value)
  return read.ok ? read.ms : undefined
}
