/**
 * Axes for the portfolio scatter: usage and cost span orders of magnitude (a product with 3 users
 * beside one with 40,000), so an axis becomes logarithmic when its values spread over more than
 * `logAbove` decades. Zero is real data here (a zombie's users), and a log axis cannot show it: a
 * band at the start of the axis holds the zeros, labelled "0".
 */

export interface Tick {
  value: number
  label: string
  /** Position on the axis, in the range's units. */
  at: number
}

export interface AxisScale {
  kind: 'linear' | 'log'
  /** Position of a value on the axis (zeros and negatives sit on the zero band or the start). */
  at(value: number): number
  ticks: Tick[]
}

/** Spread, in powers of ten, from which an axis is drawn logarithmic. */
export const logAbove = 2
/** Part of a log axis given to the zero band. */
const zeroBand = 0.06

/**
 * A scale mapping `values` onto [start, end] (end may be below start: an SVG y axis grows down).
 * `format` labels the ticks ("$1k", "10").
 */
export function axisScale(
  values: readonly number[],
  [start, end]: readonly [number, number],
  format: (value: number) => string = compactNumber,
): AxisScale {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v))
  const max = positive.length > 0 ? Math.max(...positive) : 1
  const minPositive = positive.length > 0 ? Math.min(...positive) : 1
  const spread = Math.log10(max) - Math.log10(minPositive)
  if (spread <= logAbove) return linearScale(max, [start, end], format)

  const low = 10 ** Math.floor(Math.log10(minPositive))
  const high = 10 ** Math.ceil(Math.log10(max))
  const span = end - start
  const from = start + span * zeroBand
  const decades = Math.log10(high) - Math.log10(low)
  const at = (value: number) =>
    value <= 0
      ? start
      : from + ((Math.log10(Math.max(value, low)) - Math.log10(low)) / decades) * (end - from)
  const ticks: Tick[] = [{ value: 0, label: format(0), at: start }]
  // Every decade when there are few, every other one when many, so labels never crowd.
  const step = decades > 6 ? 2 : 1
  for (let power = Math.log10(low); power <= Math.log10(high) + 1e-9; power += step) {
    const value = 10 ** Math.round(power)
    ticks.push({ value, label: format(value), at: at(value) })
  }
  return { kind: 'log', at, ticks }
}

function linearScale(max: number, [start, end]: readonly [number, number], format: (v: number) => string) {
  const step = niceStep(max / 4)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const at = (value: number) => start + (Math.max(0, value) / top) * (end - start)
  const ticks: Tick[] = []
  for (let value = 0; value <= top + step / 1e6; value += step) {
    ticks.push({ value, label: format(value), at: at(value) })
  }
  return { kind: 'linear' as const, at, ticks }
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
export function niceStep(rough: number): number {
  if (!(rough > 0)) return 1
  const power = 10 ** Math.floor(Math.log10(rough))
  const fraction = rough / power
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
  return nice * power
}

/** 0 → "0", 1500 → "1.5k", 2000000 → "2M", 0.05 → "0.05". */
export function compactNumber(value: number): string {
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 }).format(value)
}

export interface LabelCandidate {
  id: string
  x: number
  y: number
  text: string
}

export interface PlacedLabel extends LabelCandidate {
  /** Left edge of the label box; labels sit right of their point, or left near the right edge. */
  left: number
  anchor: 'start' | 'end'
}

/**
 * Which points get a name on the chart: candidates in order of importance, each kept only when its
 * box overlaps no label placed before it, at most `limit`. Boxes are estimated from the text
 * length (`charWidth` per character, `height` tall), enough for a server-rendered SVG.
 */
export function placeLabels(
  candidates: readonly LabelCandidate[],
  options: { width: number; limit: number; charWidth?: number; height?: number; gap?: number },
): PlacedLabel[] {
  const charWidth = options.charWidth ?? 6.4
  const height = options.height ?? 14
  const gap = options.gap ?? 7
  const placed: PlacedLabel[] = []
  for (const c of candidates) {
    if (placed.length >= options.limit) break
    const w = c.text.length * charWidth
    const anchor = c.x + gap + w > options.width ? 'end' : 'start'
    const left = anchor === 'start' ? c.x + gap : c.x - gap - w
    const top = c.y - height / 2
    const overlaps = placed.some((p) => {
      const pw = p.text.length * charWidth
      const pt = p.y - height / 2
      return left < p.left + pw && p.left < left + w && top < pt + height && pt < top + height
    })
    if (!overlaps) placed.push({ ...c, left, anchor })
  }
  return placed
}
