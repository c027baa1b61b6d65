/**
 * Rule durations (`'30m'`, `'1h30m'`, `'8d'`, or milliseconds), read the way @steward/pipelines
 * reads step timeouts. A copy of that small parser, because pipelines depends on this package and
 * not the other way round.
 */
export type RuleDuration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd' | 'w'}${string}`

const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const
type Unit = keyof typeof unitMs
const order: Unit[] = ['w', 'd', 'h', 'm', 's', 'ms']
const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y

/** Milliseconds, or undefined when the value is not a duration. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const text = value.trim()
  let ms = 0
  let last = -1
  part.lastIndex = 0
  while (part.lastIndex < text.length) {
    const match = part.exec(text)
    if (!match) return undefined
    const rank = order.indexOf(match[2] as Unit)
    if (rank <= last) return undefined
    last = rank
    ms += Number(match[1]) * unitMs[match[2] as Unit]
  }
  return Math.round(ms)
}
