import type { LabelledMetric } from '#server/queries/get-labelled-metrics.ts'
import { LabelledMetricChart } from '../labelled-metric-chart.tsx'

/** The metrics that volume and freshness rules watch `by` a label: daily bars per label value. */
export function PerSourcePanel({ metrics }: { metrics: readonly LabelledMetric[] }) {
  return (
    <section className="card panel" aria-labelledby="sources-title">
      <h2 id="sources-title" className="panel__title">
        Per source
      </h2>
      {metrics.map((metric) => (
        <LabelledMetricChart key={`${metric.pipelineId}/${metric.metric}/${metric.label}`} metric={metric} />
      ))}
    </section>
  )
}
