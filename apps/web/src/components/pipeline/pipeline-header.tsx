import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { PageHeader } from '../page-header.tsx'
import { StatusBadge } from '../status-badge.tsx'

/** The pipeline's name, id and description beside its newest run, success rate and version. */
export function PipelineHeader({ pipeline }: { pipeline: PipelineDetail }) {
  return (
    <PageHeader
      title={pipeline.name}
      description={
        <>
          <code className="id">{pipeline.id}</code>
          {pipeline.description ? <> · {pipeline.description}</> : null}
        </>
      }
      aside={<PipelineStats pipeline={pipeline} />}
    />
  )
}

function PipelineStats({ pipeline }: { pipeline: PipelineDetail }) {
  const finished = pipeline.runs.filter((run) => run.finishedAt !== null)
  const succeeded = finished.filter((run) => run.status === 'succeeded').length
  const last = pipeline.runs[0]
  return (
    <dl className="stats" aria-label="Pipeline summary">
      <div>
        <dt>last run</dt>
        <dd>{last ? <StatusBadge status={last.status} /> : <span className="muted">none</span>}</dd>
      </div>
      <div>
        <dt>
          succeeded, last {finished.length} {finished.length === 1 ? 'run' : 'runs'}
        </dt>
        <dd>{finished.length > 0 ? `${Math.round((succeeded / finished.length) * 100)}%` : '—'}</dd>
      </div>
      <div>
        <dt>version</dt>
        <dd>v{pipeline.version}</dd>
      </div>
    </dl>
  )
}
