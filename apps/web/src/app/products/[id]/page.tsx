import type { UsageGrain } from '@steward/db'
import { budgetStatus, costSeries, topConsumers, type UsageSeries, usageSeries } from '@steward/usage'
import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { after } from 'next/server'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { CostChart } from '#components/cost-chart.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { GranularitySwitch } from '#components/granularity-switch.tsx'
import { LabelledMetricChart } from '#components/labelled-metric-chart.tsx'
import { OwnerList } from '#components/owner-list.tsx'
import { ProductAlerts } from '#components/product-alerts.tsx'
import { ProductDocs } from '#components/product-docs.tsx'
import { StatusBadge } from '#components/status-badge.tsx'
import { TierBadge } from '#components/tier-badge.tsx'
import { UsageChart } from '#components/usage-chart.tsx'
import { formatCost, humaniseDuration, noun, timeAgo } from '#lib/format.ts'
import { describeCron, formatInZone, nextFireTimes } from '#lib/schedule.ts'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { getLabelledMetrics } from '#server/queries/get-labelled-metrics.ts'
import { getProductAlerts } from '#server/queries/get-product-alerts.ts'
import { getProductSummary } from '#server/queries/get-product-summary.ts'
import { readDatabase } from '#server/read-database.ts'
import { labelConsumerAction } from '#server/usage/label-consumer-action.ts'
import { pageViewer } from '#server/usage/page-viewer.ts'
import { recordPageView } from '#server/usage/record-page-view.ts'

export const dynamic = 'force-dynamic'

type Props = {
  params: Promise<{ id: string }>
  searchParams: Promise<Record<string, string | string[] | undefined>>
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Product ${decodeURIComponent(id)}` }
}

/** `?granularity=day|week|month`; anything else is a day, as the API's default. */
function parseGranularity(value: string | string[] | undefined): UsageGrain {
  const v = Array.isArray(value) ? value[0] : value
  return v === 'week' || v === 'month' ? v : 'day'
}

const count = new Intl.NumberFormat('en-US')

/**
 * A product's page: its docs, who owns it and who depends on it, its pipelines with their
 * schedules, its use and cost over time (day / week / month), its alert history and top consumers.
 * Every figure comes from the usage rollups and set-based queries; the page view is counted after
 * the response is sent.
 */
const consumerOutcomes: Record<string, { ok: boolean; text: string }> = {
  labelled: { ok: true, text: 'Saved: the consumer shows under its team name.' },
  forbidden: { ok: false, text: "Only the product's owners and admins can name its consumers." },
  failed: {
    ok: false,
    text: 'That name could not be saved (at most 100 characters); the server log says why.',
  },
}

export default async function ProductPage({ params, searchParams }: Props) {
  const { id: rawId } = await params
  const id = decodeURIComponent(rawId)
  const granularity = parseGranularity((await searchParams).granularity)
  const read = await readDatabase(async (db) => {
    const product = await getProductSummary(db, id)
    if (!product) return undefined
    const [usage, cost, budget, consumers, alerts, perSource] = await Promise.all([
      usageSeries(db, id, { granularity }),
      costSeries(db, id, { granularity }),
      budgetStatus(db, id),
      topConsumers(db, id),
      getProductAlerts(db, id),
      getLabelledMetrics(db, id, new Date()),
    ])
    return { product, usage, cost, budget, consumers, alerts, perSource }
  })
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  if (!read.value) notFound()
  const { product, usage, cost, budget, consumers, alerts, perSource } = read.value
  const signedIn = await currentViewer()
  const mayOperate = signedIn !== undefined && canOperate(signedIn, product.owners)
  const consumerOutcome = consumerOutcomes[String((await searchParams).consumer ?? '')]
  const viewer = await pageViewer()
  after(() => recordPageView({ productId: product.id, viewer }))
  const now = new Date()
  const basePath = `/products/${encodeURIComponent(product.id)}`
  return (
    <>
      <Breadcrumbs items={[{ label: 'Catalog', href: '/' }, { label: product.name }]} />
      <div className="page-header">
        <div>
          <h1>{product.name}</h1>
          <p className="page-header__description">
            <code className="id">{product.id}</code>
            {product.description ? <> · {product.description}</> : null}
          </p>
          {product.tags.length > 0 ? (
            <ul className="tags product-tags" aria-label="Tags">
              {product.tags.map((tag) => (
                <li key={tag} className="tag">
                  <Link href={`/?tag=${encodeURIComponent(tag)}` as Route}>{tag}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <dl className="stats" aria-label="Product summary">
          <div>
            <dt>tier</dt>
            <dd>
              <TierBadge tier={product.tier} />
            </dd>
          </div>
          <div>
            <dt>fresh within</dt>
            <dd>
              {product.freshnessMaxAgeSeconds === null
                ? '—'
                : humaniseDuration(product.freshnessMaxAgeSeconds)}
            </dd>
          </div>
          <div>
            <dt>last success</dt>
            <dd>{product.lastSuccessAt ? timeAgo(product.lastSuccessAt, now) : 'never'}</dd>
          </div>
        </dl>
      </div>
      <div className="detail-grid">
        <div className="detail-grid__main">
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

          <section className="card panel" aria-labelledby="cost-title">
            <div className="panel__header">
              <h2 id="cost-title" className="panel__title">
                Cost
              </h2>
            </div>
            <dl className="figures" aria-label="This month's cost">
              <div>
                <dt>this month so far</dt>
                <dd>{formatCost(budget.monthToDateUsd)}</dd>
              </div>
              <div>
                <dt>month-end forecast</dt>
                <dd data-over={budget.forecastOverBudget || undefined}>{formatCost(budget.forecastUsd)}</dd>
              </div>
              <div>
                <dt>monthly budget</dt>
                <dd>{budget.budgetUsd === null ? 'none' : formatCost(budget.budgetUsd)}</dd>
              </div>
            </dl>
            {budget.forecastOverBudget ? (
              <p className="chart__warning">
                At this pace the month ends at {formatCost(budget.forecastUsd)}, over its{' '}
                {formatCost(budget.budgetUsd)} budget.
              </p>
            ) : null}
            <CostChart series={cost} budget={budget} />
          </section>

          {perSource.length > 0 ? (
            <section className="card panel" aria-labelledby="sources-title">
              <h2 id="sources-title" className="panel__title">
                Per source
              </h2>
              {perSource.map((metric) => (
                <LabelledMetricChart
                  key={`${metric.pipelineId}/${metric.metric}/${metric.label}`}
                  metric={metric}
                />
              ))}
            </section>
          ) : null}

          {product.docsMarkdown ? (
            <section className="card panel" aria-labelledby="docs-title">
              <h2 id="docs-title" className="panel__title">
                Docs
                {product.docsPath ? <code className="id">{product.docsPath}</code> : null}
              </h2>
              <ProductDocs markdown={product.docsMarkdown} />
            </section>
          ) : null}

          <section className="card panel" aria-labelledby="pipelines-title">
            <h2 id="pipelines-title" className="panel__title">
              Pipelines <span className="panel__count">{product.pipelines.length}</span>
            </h2>
            {product.pipelines.length === 0 ? (
              <p className="muted">No pipeline builds this product yet.</p>
            ) : (
              <ul className="pipeline-list">
                {product.pipelines.map((pipeline) => {
                  const next = pipeline.scheduleCron
                    ? nextFireTimes(pipeline.scheduleCron, pipeline.scheduleTimezone, now)[0]
                    : undefined
                  return (
                    <li key={pipeline.id}>
                      <div>
                        <Link href={`/pipelines/${pipeline.id}` as Route} className="pipeline-list__name">
                          {pipeline.name}
                        </Link>{' '}
                        <code className="id">{pipeline.id}</code>
                        {pipeline.description ? <p className="muted">{pipeline.description}</p> : null}
                        <p className="muted">
                          {pipeline.stepCount} {pipeline.stepCount === 1 ? 'step' : 'steps'} ·{' '}
                          {pipeline.scheduleCron
                            ? `${describeCron(pipeline.scheduleCron) ?? pipeline.scheduleCron} (${pipeline.scheduleTimezone ?? 'UTC'})${next ? `, next ${formatInZone(next, pipeline.scheduleTimezone)}` : ''}`
                            : 'no schedule'}
                        </p>
                      </div>
                      <div className="pipeline-list__run">
                        {pipeline.lastRun ? (
                          <Link
                            href={`/runs/${pipeline.lastRun.id}` as Route}
                            aria-label={`Newest run of ${pipeline.id}`}
                          >
                            <StatusBadge status={pipeline.lastRun.status} />{' '}
                            <span className="muted">{timeAgo(pipeline.lastRun.createdAt, now)}</span>
                          </Link>
                        ) : (
                          <span className="muted">never run</span>
                        )}
                      </div>
                    </li>
                  )
                })}
              </ul>
            )}
          </section>

          <ProductAlerts alerts={alerts} now={now} />
        </div>
        <aside className="detail-grid__side">
          <section className="card panel" aria-labelledby="owners-title">
            <h2 id="owners-title" className="panel__title">
              Owners
            </h2>
            <OwnerList owners={product.owners} />
          </section>
          {product.stakeholders.length > 0 ? (
            <section className="card panel" aria-labelledby="stakeholders-title">
              <h2 id="stakeholders-title" className="panel__title">
                Stakeholders
              </h2>
              <ul className="owners">
                {product.stakeholders.map((s) => (
                  <li key={`${s.name}${s.slack ?? ''}`}>
                    <span className="owner__team">{s.name}</span>
                    {s.slack ? <span className="owner__slack">{s.slack}</span> : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          {product.links.length > 0 ? (
            <section className="card panel" aria-labelledby="links-title">
              <h2 id="links-title" className="panel__title">
                Links
              </h2>
              <ul className="plain-list">
                {product.links.map((link) => (
                  <li key={link.url}>
                    <a href={link.url} rel="noreferrer">
                      {link.title}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section className="card panel" aria-labelledby="consumers-title">
            <h2 id="consumers-title" className="panel__title">
              Top consumers <span className="panel__count">30 days</span>
            </h2>
            {consumers.length === 0 ? (
              <p className="muted">Nobody used this product in the last 30 days.</p>
            ) : (
              <ol className="consumers">
                {consumers.map((c) => (
                  <li key={c.actorHash} className="consumers__item">
                    <span className="consumers__who">
                      {c.label ?? <code title={c.actorHash}>{c.actorHash.slice(0, 12)}…</code>}
                    </span>
                    <span className="consumers__events">
                      {count.format(c.events)} {noun(c.events, 'event')}
                    </span>
                    <span className="muted consumers__last">last {timeAgo(c.lastAt, now)}</span>
                    {mayOperate ? (
                      <details className="consumers__name">
                        <summary>{c.label ? 'Rename' : 'Name this team'}</summary>
                        <form action={labelConsumerAction.bind(null, product.id, c.actorHash)}>
                          <label className="visually-hidden" htmlFor={`label-${c.actorHash}`}>
                            Team name for {c.actorHash.slice(0, 12)}
                          </label>
                          <input
                            id={`label-${c.actorHash}`}
                            name="label"
                            className="input"
                            defaultValue={c.label ?? ''}
                            placeholder="finance-analytics"
                            maxLength={100}
                            autoComplete="off"
                          />
                          <button type="submit" className="button button--small">
                            Save
                          </button>
                        </form>
                      </details>
                    ) : null}
                  </li>
                ))}
              </ol>
            )}
            {consumerOutcome ? (
              <p className={consumerOutcome.ok ? 'muted' : 'run-form__message'} role="status">
                {consumerOutcome.text}
              </p>
            ) : null}
            <p className="panel__footnote muted">
              People are stored as salted hashes; owners can give a hash a team name.
            </p>
          </section>
        </aside>
      </div>
    </>
  )
}

/** The window's totals: events, views per viewer, and how many users came back. */
function UsageFigures({ usage }: { usage: UsageSeries }) {
  const events = usage.periods.reduce((sum, p) => sum + p.totalEvents, 0)
  const views = usage.periods.reduce((sum, p) => sum + (p.events.view ?? 0), 0)
  const latest = usage.periods[usage.periods.length - 1]
  const actorPeriods = usage.periods.reduce((sum, p) => sum + p.actors, 0)
  const returning = usage.periods.reduce((sum, p) => sum + p.returningActors, 0)
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
    </dl>
  )
}
