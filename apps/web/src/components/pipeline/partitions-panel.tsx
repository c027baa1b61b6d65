import type { PipelinePartitions } from '#server/queries/get-pipeline-partitions.ts'
import { describeScheme, PartitionGrid } from '../partition-grid.tsx'

/** The newest partitions as squares, each coloured by its latest run. */
export function PartitionsPanel({ partitions }: { partitions: PipelinePartitions }) {
  const shown = partitions.cells.length
  return (
    <section id="partitions" className="card panel partitions-panel" aria-labelledby="partitions-title">
      <h2 id="partitions-title" className="panel__title">
        Partitions{' '}
        <span className="panel__count">{partitions.scheme.kind === 'time' ? `newest ${shown}` : shown}</span>
      </h2>
      <p className="muted">{describeScheme(partitions.scheme)}. Each square is a partition's latest run.</p>
      <PartitionGrid cells={partitions.cells} />
    </section>
  )
}
