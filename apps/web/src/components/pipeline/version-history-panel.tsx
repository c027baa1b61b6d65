import { formatInstant } from '#lib/format.ts'
import type { PipelineDetail } from '#server/queries/get-pipeline-detail.ts'

/** Every deployed version with its date, step count and definition hash; the current one marked. */
export function VersionHistoryPanel({ pipeline }: { pipeline: PipelineDetail }) {
  return (
    <section className="card panel" aria-labelledby="versions-title">
      <h2 id="versions-title" className="panel__title">
        Version history <span className="panel__count">{pipeline.versions.length}</span>
      </h2>
      <ol className="versions">
        {pipeline.versions.map((version) => (
          <li key={version.version} aria-current={version.version === pipeline.version ? 'true' : undefined}>
            <span className="versions__number">v{version.version}</span>
            <span>
              Deployed {formatInstant(version.deployedAt)} · {version.stepCount}{' '}
              {version.stepCount === 1 ? 'step' : 'steps'}
            </span>
            <code className="versions__hash" title={version.definitionHash}>
              {version.definitionHash.slice(0, 10)}
            </code>
            {version.version === pipeline.version ? <span className="tag">current</span> : null}
          </li>
        ))}
      </ol>
      {pipeline.sourceFile ? (
        <p className="panel__footnote muted">
          Defined in <code>{pipeline.sourceFile}</code>
        </p>
      ) : null}
    </section>
  )
}
