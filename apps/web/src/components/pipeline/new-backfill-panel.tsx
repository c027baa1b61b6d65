import { partitionKeyExamples } from '@steward/pipelines'
import { startBackfillAction } from '#server/backfills/actions.ts'
import type { PipelinePartitions } from '#server/queries/get-pipeline-partitions.ts'
import { BackfillForm } from '../backfill-form.tsx'

/** The form that starts a backfill, its range defaulting to the partition grid's. */
export function NewBackfillPanel({
  pipelineId,
  partitions,
  disabled,
}: {
  pipelineId: string
  partitions: PipelinePartitions
  /** Why the viewer cannot start a backfill; undefined when they can. */
  disabled: string | undefined
}) {
  return (
    <section className="card panel" aria-labelledby="backfill-title">
      <h2 id="backfill-title" className="panel__title">
        Backfill
      </h2>
      <BackfillForm
        action={startBackfillAction.bind(null, pipelineId)}
        defaultFrom={partitions.cells[0]?.key ?? ''}
        defaultTo={partitions.cells.at(-1)?.key ?? ''}
        keyExample={partitions.scheme.kind === 'time' ? partitionKeyExamples[partitions.scheme.unit] : 'eu'}
        disabled={disabled}
      />
    </section>
  )
}
