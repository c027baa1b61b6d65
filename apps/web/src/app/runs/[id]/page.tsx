import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { CheckResultsPanel } from '#components/checks/check-results-panel.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { ActionProblemNotice } from '#components/run/action-problem-notice.tsx'
import { ParamsPanel } from '#components/run/params-panel.tsx'
import { RetriedIn } from '#components/run/retried-in.tsx'
import { RunErrorNotice } from '#components/run/run-error-notice.tsx'
import { RunHeader } from '#components/run/run-header.tsx'
import { StepNavPanel } from '#components/run/step-nav-panel.tsx'
import { StepSection } from '#components/run/step-section.tsx'
import { TimelinePanel } from '#components/run/timeline-panel.tsx'
import { WarehouseQueriesPanel } from '#components/run/warehouse-queries-panel.tsx'
import { orderSteps } from '#lib/dag-layout.ts'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { getRunCheckResults } from '#server/queries/get-check-results.ts'
import { getRunDetail, logLimit, type RunDetail } from '#server/queries/get-run-detail.ts'
import { getWarehouseQueries } from '#server/queries/get-warehouse-queries.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ problem?: string | string[] }> }

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Run ${id.slice(0, 8)}` }
}

/**
 * A run's page: its timeline, then each step in graph order with its error, metrics, output and
 * logs; Cancel and Retry from failed for those who may. While the run is in progress the page
 * follows it.
 */
export default async function RunPage({ params, searchParams }: Props) {
  const { id } = await params
  const { problem } = await searchParams
  const viewer = await currentViewer()
  const read = await readDatabase(async (db) => {
    const detail = await getRunDetail(db, id)
    if (!detail) return undefined
    const [queries, checks] = await Promise.all([
      getWarehouseQueries(db, detail.id),
      getRunCheckResults(db, detail.id),
    ])
    return { detail, queries, checks }
  })
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  if (!read.value) notFound()
  const { detail: run, queries, checks } = read.value
  const order = orderSteps(run.steps.map((step) => ({ id: step.stepId, needs: step.needs })))
  const steps = order
    .map((stepId) => run.steps.find((step) => step.stepId === stepId))
    .filter((s) => s !== undefined)
  const start = firstStart(run)
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Catalog', href: '/' },
          { label: run.product.name, href: `/products/${run.product.id}` },
          { label: run.pipeline.name, href: `/pipelines/${run.pipeline.id}` },
          { label: `Run ${run.id.slice(0, 8)}` },
        ]}
      />
      <RunHeader run={run} mayOperate={viewer !== undefined && canOperate(viewer, run.product.owners)} />
      <ActionProblemNotice problem={problem} />
      {run.error ? <RunErrorNotice status={run.status} error={run.error} /> : null}
      {run.retries.length > 0 ? <RetriedIn retries={run.retries} /> : null}
      <TimelinePanel run={run} start={start} end={run.finishedAt ?? run.readAt} />
      <div className="detail-grid">
        <div className="detail-grid__main">
          {steps.map((step) => (
            <StepSection key={step.id} step={step} runStart={start} readAt={run.readAt} />
          ))}
          {checks.length > 0 ? <CheckResultsPanel results={checks} title="Checks on the data" /> : null}
          {queries.length > 0 ? (
            <WarehouseQueriesPanel
              queries={queries}
              stepIds={new Map(run.steps.map((step) => [step.id, step.stepId]))}
            />
          ) : null}
          {run.logsTruncated ? (
            <p className="muted">Only the newest {logLimit} log lines of this run are shown.</p>
          ) : null}
        </div>
        <aside className="detail-grid__side">
          <StepNavPanel steps={steps} />
          <ParamsPanel params={run.params} />
        </aside>
      </div>
    </>
  )
}

/** Where the timeline starts: the first time any step was queued or started, or the run started. */
function firstStart(run: RunDetail): Date | undefined {
  const times = run.steps.flatMap((step) => [
    ...(step.queuedAt ? [step.queuedAt.getTime()] : []),
    ...step.attempts.map((attempt) => attempt.startedAt.getTime()),
  ])
  if (run.startedAt) times.push(run.startedAt.getTime())
  return times.length > 0 ? new Date(Math.min(...times)) : undefined
}
