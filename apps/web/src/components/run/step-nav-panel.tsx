import type { RunStepRow } from '#server/queries/get-run-detail.ts'
import { StatusBadge } from '../status-badge.tsx'

/** The steps in graph order, each linking to its section with its status. */
export function StepNavPanel({ steps }: { steps: readonly RunStepRow[] }) {
  return (
    <nav className="card panel" aria-labelledby="graph-title">
      <h2 id="graph-title" className="panel__title">
        Steps <span className="panel__count">{steps.length}</span>
      </h2>
      <ul className="step-nav">
        {steps.map((step) => (
          <li key={step.id}>
            <a href={`#step-${step.stepId}`}>
              {step.stepId}
              <StatusBadge status={step.status} />
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
}
