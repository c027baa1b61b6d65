import { JsonView } from '../json-view.tsx'

/** The params the run was started with, as given (defaults are not filled in). */
export function ParamsPanel({ params }: { params: Record<string, unknown> }) {
  return (
    <section className="card panel" aria-labelledby="params-title">
      <h2 id="params-title" className="panel__title">
        Params
      </h2>
      {Object.keys(params).length > 0 ? (
        <JsonView value={params} label="Params of this run" />
      ) : (
        <p className="muted">None: defaults apply.</p>
      )}
    </section>
  )
}
