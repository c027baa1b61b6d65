import type { StepRunStatus } from '@steward/db'
import { type DagStep, layoutDag } from '../lib/dag-layout.ts'
import { statusLabel } from './status-badge.tsx'

/**
 * A pipeline's steps as a graph: columns by longest path from the roots, curved edges. Static SVG
 * (no script); with `statuses` each node takes its step's colour, and with `linkSteps` each node
 * links to the step's section further down the page (`#step-<id>`), reachable by Tab.
 */
export function DagGraph({
  steps,
  statuses,
  linkSteps = false,
  label,
}: {
  steps: readonly DagStep[]
  statuses?: Partial<Record<string, StepRunStatus>>
  linkSteps?: boolean
  label: string
}) {
  if (steps.length === 0) return <p className="muted">This pipeline has no steps.</p>
  const layout = layoutDag(steps)
  const { nodeWidth, nodeHeight } = layout
  return (
    <div className="dag">
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
            id="dag-arrow"
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
            data-status={statuses?.[edge.from]}
            markerEnd="url(#dag-arrow)"
          />
        ))}
        {layout.nodes.map((node) => {
          const status = statuses?.[node.id]
          const title = status ? `${node.id}: ${statusLabel(status).toLowerCase()}` : node.id
          const body = (
            <g
              key={node.id}
              className="dag__node"
              data-status={status}
              transform={`translate(${node.x} ${node.y})`}
            >
              <title>{title}</title>
              <rect width={nodeWidth} height={nodeHeight} rx="7" />
              <circle cx="16" cy={nodeHeight / 2} r="4.5" className="dag__dot" />
              <text x="28" y={nodeHeight / 2} dominantBaseline="central">
                {truncate(node.id, Math.floor((nodeWidth - 40) / 7.3))}
              </text>
            </g>
          )
          return linkSteps ? (
            <a key={node.id} href={`#step-${node.id}`} aria-label={title}>
              {body}
            </a>
          ) : (
            <g key={node.id}>{body}</g>
          )
        })}
      </svg>
    </div>
  )
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
