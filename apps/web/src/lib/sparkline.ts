export interface SparklineGeometry {
  /** SVG path of the line through every value (`M x y L x y …`), empty without values. */
  line: string
  /** The same line closed down to the baseline, for a soft fill under it. */
  area: string
  /** Where the last value sits, for a dot that says "today". */
  last: { x: number; y: number } | null
  max: number
}

const round = (n: number) => Math.round(n * 10) / 10

/**
 * Scales a series to a `width` × `height` box: first value at x 0, last at x `width`, zero on the
 * bottom edge and the largest value `pad` below the top edge (so a peak's stroke is not cut).
 * An all-zero series is a flat line on the bottom edge; a single value is a flat line across.
 */
export function sparkline(
  values: readonly number[],
  width: number,
  height: number,
  pad = 2,
): SparklineGeometry {
  if (values.length === 0) return { line: '', area: '', last: null, max: 0 }
  const max = Math.max(0, ...values)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const y = (v: number) => round(max === 0 ? height : height - (Math.max(0, v) / max) * (height - pad))
  const points = (values.length > 1 ? values : [values[0] as number, values[0] as number]).map((v, i) => ({
    x: round(values.length > 1 ? i * step : i * width),
    y: y(v),
  }))
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x} ${p.y}`).join(' ')
  const lastPoint = points[points.length - 1] as { x: number; y: number }
  return { line, area: `${line} L${lastPoint.x} ${height} L0 ${height} Z`, last: lastPoint, max }
}
