import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { DagGraph } from '../dag-graph.tsx'

/** The step graph, coloured by the newest run, with a text label for screen readers. */
export function StepsPanel({ pipeline }: { pipeline: PipelineDetail }) {
  return (
    <section className="card panel" aria-labelledby="steps-title">
      <h2 id="steps-title" className="panel__title">
        Steps <span className="panel__count">{pipeline.steps.length}</span>
      </h2>
      <DagGraph
        steps={pipeline.steps}
        statuses={pipeline.lastRunSteps}
        label={`Step graph of ${pipeline.id}: ${pipeline.steps.map((s) => (s.needs.length ? `${s.id} after ${s.needs.join(', ')}` : s.id)).join('; ')}`}
      />
      {pipeline.runs[0] ? <p className="panel__footnote muted">Colours show the newest run.</p> : null}
    </section>
  )
}
