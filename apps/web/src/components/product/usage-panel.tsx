import type { UsageGrain } from '@steward/db'
import type { UsageSeries } from '@steward/usage'
import { GranularitySwitch } from '../granularity-switch.tsx'
import { UsageChart } from '../usage-chart.tsx'

const count = new Intl.NumberFormat('en-US')

/** Events by kind and unique users per period, with the window's totals and the day/week/month switch. */
export function UsagePanel({
  usage,
  granularity,
  basePath,
}: {
  usage: UsageSeries
  granularity: UsageGrain
  /** The product page's path, which the switch adds `?granularity=` to. */
  basePath: string
}) {
  return (
    <section className="card panel" aria-labelledby="usage-title">
      <div className="panel__header">
        <h2 id="usage-title" className="panel__title">
          Usage
        </h2>
        <GranularitySwitch basePath={basePath} current={granularity} />
      </div>
      <UsageFigures usage={usage} />
      <UsageChart series={usage} />
    </section>
  )
}

/** The window's totals: events, views per viewer, how many users came back, and Steward's own page visits apart. */
function UsageFigures({ usage }: { usage: UsageSeries }) {
  const events = usage.periods.reduce((sum, p) => sum + p.totalEvents, 0)
  const views = usage.periods.reduce((sum, p) => sum + (p.events.view ?? 0), 0)
  const latest = usage.periods[usage.periods.length - 1]
  const actorPeriods = usage.periods.reduce((sum, p) => sum + p.actors, 0)
  const returning = usage.periods.reduce((sum, p) => sum + p.returningActors, 0)
  const catalogViews = usage.periods.reduce((sum, p) => sum + p.catalogViews, 0)
  return (
    <dl className="figures" aria-label="Usage in this window">
      <div>
        <dt>events</dt>
        <dd>{count.format(events)}</dd>
      </div>
      <div>
        <dt>users this {usage.granularity}</dt>
        <dd>{count.format(latest?.actors ?? 0)}</dd>
      </div>
      <div>
        <dt>views per user per {usage.granularity}</dt>
        <dd>{actorPeriods === 0 ? '—' : (views / actorPeriods).toFixed(1)}</dd>
      </div>
      <div>
        <dt>returning users</dt>
        <dd>{actorPeriods === 0 ? '—' : `${Math.round((returning / actorPeriods) * 100)}%`}</dd>
      </div>
      <div title="Visits to this page in Steward, owners' included: counted apart, never as use or users">
        <dt>catalog views</dt>
        <dd data-figure="catalog-views">{count.format(catalogViews)}</dd>
      </div>
    </dl>
  )
}
