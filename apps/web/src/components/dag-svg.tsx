import type { ReactNode } from 'react'
import type { DagEdge, DagLayout } from '#lib/dag-layout.ts'
import { truncate } from '#lib/format.ts'

/** `data-*` attributes, which the stylesheet colours nodes and edges by. */
type DataAttributes = Record<`data-${string}`, string | undefined>

/** One node as `DagSvg` draws it: a box with a status dot and a label, a tooltip, maybe a link. */
export interface DagSvgNode {
  /** The node group's class (`dag__node` and the graph's own). */
  className: string
  data: DataAttributes
  /** The tooltip, and the link's accessible name. */
  title: string
  /** Cut to the room the box leaves (see `labelRoom`). */
  label: string
  /** The box's corner radius. */
  rx: number
  /** Where the node links to, or nowhere. */
  href?: string | null | undefined
  /** Drawn over the box after the label (the lineage's upstream-trouble mark). */
  mark?: ReactNode
}

/** A monospace character at 12 px, in px (the label's font in `.dag__svg`). */
const charWidth = 7.3

/**
 * The drawing that the step graph and the lineage graph share: static SVG (no script) of a
 * `layoutDag` layout, its edges as curves ending in an arrowhead, its nodes as boxes with a
 * status dot and a label, each a link when it has somewhere to go (reachable by Tab).
 *
 * @example
 * <DagSvg layout={layoutDag(steps)} label="steps" markerId="dag-arrow" labelRoom={40}
 *   node={(id) => ({ className: 'dag__node', data: {}, title: id, label: id, rx: 7 })} />
 */
export function DagSvg({
  layout,
  label,
  markerId,
  labelRoom,
  edgeData,
  node,
}: {
  layout: DagLayout
  /** The graph's accessible name. */
  label: string
  /** The arrowhead's id: unique in the page, which may draw two graphs. */
  markerId: string
  /** The box's width, in px, that its label may not take (the dot on its left, any mark). */
  labelRoom: number
  edgeData?: (edge: DagEdge) => DataAttributes
  /** What to draw for the node of this id. */
  node: (id: string) => DagSvgNode
}) {
  const { nodeWidth, nodeHeight } = layout
  const maxChars = Math.floor((nodeWidth - labelRoom) / charWidth)
  return (
    <svg
      className="dag__svg"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      role="img"
      aria-label={label}
    >
      <defs>
        <marker
          id={markerId}
          viewBox="0 0 8 8"
          refX="7"
          refY="4"
          markerWidth="7"
          markerHeight="7"
          orient="auto"
        >
          <path d="M0 0 L8 4 L0 8 z" className="dag__arrow" />
        </marker>
      </defs>
      {layout.edges.map((edge) => (
        <path
          key={`${edge.from}->${edge.to}`}
          d={edge.path}
          className="dag__edge"
          {...edgeData?.(edge)}
          markerEnd={`url(#${markerId})`}
        />
      ))}
      {layout.nodes.map((placed) => {
        const drawn = node(placed.id)
        const body = (
          <g
            key={placed.id}
            className={drawn.className}
            {...drawn.data}
            transform={`translate(${placed.x} ${placed.y})`}
          >
            <title>{drawn.title}</title>
            <rect width={nodeWidth} height={nodeHeight} rx={drawn.rx} />
            <circle cx="16" cy={nodeHeight / 2} r="4.5" className="dag__dot" />
            <text x="28" y={nodeHeight / 2} dominantBaseline="central">
              {truncate(drawn.label, maxChars)}
            </text>
            {drawn.mark}
          </g>
        )
        return drawn.href ? (
          <a key={placed.id} href={drawn.href} aria-label={drawn.title}>
            {body}
          </a>
        ) : (
          <g key={placed.id}>{body}</g>
        )
      })}
    </svg>
  )
}
