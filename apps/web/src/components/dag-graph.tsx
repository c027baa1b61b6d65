import type { StepRunStatus } from '@steward/db'
import { type DagStep, layoutDag } from '../lib/dag-layout.ts'
import { DagSvg } from './dag-svg.tsx'
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
  return (
    <div className="dag">
      <DagSvg
        layout={layoutDag(steps)}
        label={label}
        markerId="dag-arrow"
        labelRoom={40}
        edgeData={(edge) => ({ 'data-status': statuses?.[edge.from] })}
        node={(id) => {
          const status = statuses?.[id]
          return {
            className: 'dag__node',
            data: { 'data-status': status },
            title: status ? `${id}: ${statusLabel(status).toLowerCase()}` : id,
            label: id,
            rx: 7,
            href: linkSteps ? `#step-${id}` : null,
          }
        }}
      />
    </div>
  )
}
