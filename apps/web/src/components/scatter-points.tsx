'use client'

import type { Route } from 'next'
import { useRouter } from 'next/navigation'
import { type MouseEvent, useMemo, useState } from 'react'
import { formatUsd } from '../lib/format.ts'
import { compactNumber } from '../lib/scatter-scale.ts'

/**
 * The portfolio's dots, as compact columns (index i is one product). The props travel once, in
 * the page's RSC payload; the dots' markup is rendered from them (on the server for the first
 * paint, again on the client), so a product's name and figures are not written twice per dot.
 */
export interface ScatterPointsData {
  /** x0, y0, x1, y1…: each dot's centre in the chart's viewBox, whole units. */
  xy: number[]
  ids: string[]
  names: string[]
  /** Unique users or events, whichever the chart plots. */
  usage: number[]
  /** Cost over the window, whole dollars. */
  cost: number[]
  /** Indices of the dots named on the chart (drawn a little larger). */
  labelled: number[]
}

export interface ScatterLabel {
  x: number
  y: number
  anchor: 'start' | 'end'
  text: string
}

/** How close to a dot (viewBox units) the pointer must be to name it. */
const reach = 12
const charWidth = 6.6

/**
 * The dots, their names on the chart, and a tooltip naming the dot nearest the pointer, which
 * opens that product's page on click. Without JavaScript the dots and labels still show; the
 * table under the chart holds the same figures for screen readers and copying.
 */
export function ScatterPoints({
  data,
  labels,
  usageWord,
  plot,
}: {
  data: ScatterPointsData
  labels: ScatterLabel[]
  usageWord: string
  /** The plotting area, where the pointer is followed. */
  plot: { x: number; y: number; width: number; height: number }
}) {
  const router = useRouter()
  const [active, setActive] = useState<number | null>(null)
  // Numbers and fixed flags only (no text from data): one string, not 2,000 elements to reconcile
  // on every pointer move.
  const dots = useMemo(() => {
    const labelled = new Set(data.labelled)
    let html = ''
    for (let i = 0; i < data.ids.length; i++) {
      const flags = `${labelled.has(i) ? ' data-labelled' : ''}${data.usage[i] === 0 ? ' data-zombie=true' : ''}`
      html += `<circle cx=${data.xy[2 * i]} cy=${data.xy[2 * i + 1]}${flags} />`
    }
    return html
  }, [data])

  const nearest = (event: MouseEvent<SVGGElement>): number | null => {
    const svg = event.currentTarget.ownerSVGElement
    const matrix = svg?.getScreenCTM()
    if (!matrix) return null
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse())
    let best: number | null = null
    let bestDistance = reach * reach
    for (let i = 0; i < data.ids.length; i++) {
      const dx = (data.xy[2 * i] ?? 0) - at.x
      const dy = (data.xy[2 * i + 1] ?? 0) - at.y
      const distance = dx * dx + dy * dy
      if (distance <= bestDistance) {
        best = i
        bestDistance = distance
      }
    }
    return best
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer shortcut; the table's links reach every product by keyboard
    <g
      className="scatter__interactive"
      data-active={active === null ? undefined : 'true'}
      onPointerMove={(event) => setActive(nearest(event))}
      onPointerLeave={() => setActive(null)}
      onClick={(event) => {
        const hit = nearest(event)
        const id = hit === null ? undefined : data.ids[hit]
        if (id !== undefined) router.push(`/products/${encodeURIComponent(id)}` as Route)
      }}
    >
      <rect className="scatter__hit" x={plot.x} y={plot.y} width={plot.width} height={plot.height} />
      <g
        className="scatter__points"
        // biome-ignore lint/security/noDangerouslySetInnerHtml: numbers and fixed flags only, built just above
        dangerouslySetInnerHTML={{ __html: dots }}
      />
      <g className="scatter__labels">
        {labels.map((l) => (
          <text key={`${l.x},${l.y}`} x={l.x} y={l.y} textAnchor={l.anchor}>
            {l.text}
          </text>
        ))}
      </g>
      {active === null ? null : (
        <Tip index={active} data={data} usageWord={usageWord} right={plot.x + plot.width} top={plot.y} />
      )}
    </g>
  )
}

function Tip({
  index,
  data,
  usageWord,
  right,
  top,
}: {
  index: number
  data: ScatterPointsData
  usageWord: string
  right: number
  top: number
}) {
  const cx = data.xy[2 * index] ?? 0
  const cy = data.xy[2 * index + 1] ?? 0
  const name = data.names[index] ?? ''
  const figures = `${compactNumber(data.usage[index] ?? 0)} ${usageWord} · ${formatUsd(data.cost[index] ?? 0)}`
  const width = Math.ceil(Math.max(name.length, figures.length) * charWidth) + 16
  const height = 40
  const x = cx + 10 + width > right ? cx - 10 - width : cx + 10
  const y = Math.max(top, cy - height - 6)
  return (
    <g className="scatter__tip" data-product={data.ids[index]} pointerEvents="none">
      <circle className="scatter__ring" cx={cx} cy={cy} />
      <rect x={x} y={y} width={width} height={height} rx={6} />
      <text x={x + 8} y={y + 16} className="scatter__tip-name">
        {name}
      </text>
      <text x={x + 8} y={y + 32}>
        {figures}
      </text>
    </g>
  )
}
