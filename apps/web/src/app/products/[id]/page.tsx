import type { UsageGrain } from '@steward/db'
import { budgetStatus, costSeries, usageSeries } from '@steward/usage'
import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { after } from 'next/server'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { CheckResultsPanel } from '#components/checks/check-results-panel.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { AlertsPanel } from '#components/product/alerts-panel.tsx'
import { CostPanel } from '#components/product/cost-panel.tsx'
import { DocsPanel } from '#components/product/docs-panel.tsx'
import { LineagePanel } from '#components/product/lineage-panel.tsx'
import { LinksPanel } from '#components/product/links-panel.tsx'
import { OwnersPanel } from '#components/product/owners-panel.tsx'
import { PerSourcePanel } from '#components/product/per-source-panel.tsx'
import { PipelinesPanel } from '#components/product/pipelines-panel.tsx'
import { ProductHeader } from '#components/product/product-header.tsx'
import { StakeholdersPanel } from '#components/product/stakeholders-panel.tsx'
import { TablesPanel } from '#components/product/tables-panel.tsx'
import { TopConsumersPanel } from '#components/product/top-consumers-panel.tsx'
import { UsagePanel } from '#components/product/usage-panel.tsx'
import { productNeighbours } from '#lib/lineage-graph.ts'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { getProductCheckResults } from '#server/queries/get-check-results.ts'
import { getLabelledMetrics } from '#server/queries/get-labelled-metrics.ts'
import { getCachedLineage } from '#server/queries/get-lineage.ts'
import { getProductAlerts } from '#server/queries/get-product-alerts.ts'
import { getProductSummary } from '#server/queries/get-product-summary.ts'
import { getTableObservations } from '#server/queries/get-table-observations.ts'
import { getTopConsumers } from '#server/queries/get-top-consumers.ts'
import { readDatabase } from '#server/read-database.ts'
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

/**
 * A product's page: its docs, who owns it and who depends on it, its pipelines with their
 * schedules, its use and cost over time (day / week / month), its alert history and top consumers.
 * Every figure comes from the usage rollups and set-based queries; the visit is counted after the
 * response is sent, as a catalog view (not as use of the product).
 */
export default async function ProductPage({ params, searchParams }: Props) {
  const { id: rawId } = await params
  const id = decodeURIComponent(rawId)
  const granularity = parseGranularity((await searchParams).granularity)
  const read = await readDatabase(async (db) => {
    const product = await getProductSummary(db, id)
    if (!product) return undefined
    const [usage, cost, budget, consumers, alerts, perSource, tables, lineage, checks] = await Promise.all([
      usageSeries(db, id, { granularity }),
      costSeries(db, id, { granularity }),
      budgetStatus(db, id),
      getTopConsumers(db, id),
      getProductAlerts(db, id),
      getLabelledMetrics(db, id, new Date()),
      getTableObservations(db, id),
      getCachedLineage(db).then((graph) => productNeighbours(graph, id)),
      getProductCheckResults(db, id),
    ])
    return { product, usage, cost, budget, consumers, alerts, perSource, tables, lineage, checks }
  })
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  if (!read.value) notFound()
  const { product, usage, cost, budget, consumers, alerts, perSource, tables, lineage, checks } = read.value
  const signedIn = await currentViewer()
  const mayOperate = signedIn !== undefined && canOperate(signedIn, product.owners)
  const consumerOutcome = String((await searchParams).consumer ?? '')
  const viewer = await pageViewer()
  after(() => recordPageView({ productId: product.id, viewer }))
  const now = new Date()
  return (
    <>
      <Breadcrumbs items={[{ label: 'Catalog', href: '/' }, { label: product.name }]} />
      <ProductHeader product={product} now={now} />
      <div className="detail-grid">
        <div className="detail-grid__main">
          <UsagePanel
            usage={usage}
            granularity={granularity}
            basePath={`/products/${encodeURIComponent(product.id)}`}
          />
          <CostPanel cost={cost} budget={budget} />
          {perSource.length > 0 ? <PerSourcePanel metrics={perSource} /> : null}
          {tables.length > 0 ? <TablesPanel tables={tables} /> : null}
          {checks.length > 0 ? (
            <CheckResultsPanel results={checks} title="Checks on the data (latest of each)" linkRuns />
          ) : null}
          {product.docsMarkdown ? (
            <DocsPanel markdown={product.docsMarkdown} path={product.docsPath} />
          ) : null}
          <PipelinesPanel pipelines={product.pipelines} now={now} />
          <AlertsPanel alerts={alerts} now={now} />
        </div>
        <aside className="detail-grid__side">
          <OwnersPanel owners={product.owners} />
          {product.stakeholders.length > 0 ? <StakeholdersPanel stakeholders={product.stakeholders} /> : null}
          {product.links.length > 0 ? <LinksPanel links={product.links} /> : null}
          <LineagePanel productId={product.id} upstream={lineage.upstream} downstream={lineage.downstream} />
          <TopConsumersPanel
            productId={product.id}
            consumers={consumers}
            mayOperate={mayOperate}
            outcome={consumerOutcome}
            now={now}
          />
        </aside>
      </div>
    </>
  )
}
