import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { Breadcrumbs } from '../../../components/breadcrumbs.tsx'
import { DatabaseProblemNotice } from '../../../components/database-problem-notice.tsx'
import { OwnerList } from '../../../components/owner-list.tsx'
import { StatusBadge } from '../../../components/status-badge.tsx'
import { TierBadge } from '../../../components/tier-badge.tsx'
import { humaniseDuration, timeAgo } from '../../../lib/format.ts'
import { describeCron, formatInZone, nextFireTimes } from '../../../lib/schedule.ts'
import { getProductSummary } from '../../../server/queries/get-product-summary.ts'
import { readDatabase } from '../../../server/read-database.ts'

export const dynamic = 'force-dynamic'

type Props = { params: Promise<{ id: string }> }

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Product ${decodeURIComponent(id)}` }
}

/**
 * A product's page, kept small: who owns it, its freshness, and its pipelines with their schedule
 * and newest run. Docs, usage and cost join it in their own issues.
 */
export default async function ProductPage({ params }: Props) {
  const { id } = await params
  const read = await readDatabase((db) => getProductSummary(db, decodeURIComponent(id)))
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  const product = read.value
  if (!product) notFound()
  const now = new Date()
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
              <ul className="plain-list">
                {product.stakeholders.map((s) => (
                  <li key={`${s.name}${s.slack ?? ''}`}>
                    {s.name} {s.slack ? <code>{s.slack}</code> : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
        </aside>
      </div>
    </>
  )
}
