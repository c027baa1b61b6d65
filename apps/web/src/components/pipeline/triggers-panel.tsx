import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { TriggerList } from '../trigger-list.tsx'

/** What starts the pipeline besides its schedule, and how many runs may go at once. */
export function TriggersPanel({ pipeline }: { pipeline: PipelineDetail }) {
  return (
    <section className="card panel" aria-labelledby="triggers-title">
      <h2 id="triggers-title" className="panel__title">
        Triggers
      </h2>
      <TriggerList triggers={pipeline.triggers} />
      {pipeline.maxConcurrentRuns !== null ? (
        <p className="panel__footnote muted">
          At most {pipeline.maxConcurrentRuns} run{pipeline.maxConcurrentRuns === 1 ? '' : 's'} at once; later
          runs wait.
        </p>
      ) : null}
    </section>
  )
}
