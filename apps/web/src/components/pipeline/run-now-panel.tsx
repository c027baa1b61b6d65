import { partitionKeyExamples } from '@steward/pipelines'
import { paramFields } from '#lib/params-form.ts'
import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import type { PipelinePartitions } from '#server/queries/get-pipeline-partitions.ts'
import { startRunAction } from '#server/runs/actions.ts'
import { type PartitionChoice, RunForm } from '../run-form.tsx'

/** The form generated from the params schema stored at deploy, plus a partition field for a partitioned pipeline. */
export function RunNowPanel({
  pipeline,
  partitions,
  disabled,
}: {
  pipeline: PipelineDetail
  partitions: PipelinePartitions | null
  /** Why the viewer cannot start a run, shown instead of the button; undefined when they can. */
  disabled: string | undefined
}) {
  return (
    <section className="card panel" aria-labelledby="run-now-title">
      <h2 id="run-now-title" className="panel__title">
        Run now
      </h2>
      <RunForm
        fields={paramFields(pipeline.paramsSchema)}
        action={startRunAction.bind(null, pipeline.id)}
        disabled={disabled}
        partition={partitions ? partitionChoice(partitions) : undefined}
      />
    </section>
  )
}

/** A static scheme's keys to choose from, or a time scheme's latest complete window as the default. */
function partitionChoice(partitions: PipelinePartitions): PartitionChoice {
  const { scheme, cells } = partitions
  if (scheme.kind === 'static')
    return { defaultKey: scheme.keys[0] ?? '', keys: scheme.keys, example: scheme.keys[0] ?? '' }
  return { defaultKey: cells.at(-1)?.key ?? '', example: partitionKeyExamples[scheme.unit] }
}
