import type { Metadata } from 'next'
import { notFound } from 'next/navigation'
import { AutoRefresh } from '#components/auto-refresh.tsx'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { ArchivedNotice } from '#components/pipeline/archived-notice.tsx'
import { BackfillsPanel } from '#components/pipeline/backfills-panel.tsx'
import { NewBackfillPanel } from '#components/pipeline/new-backfill-panel.tsx'
import { PartitionsPanel } from '#components/pipeline/partitions-panel.tsx'
import { PipelineHeader } from '#components/pipeline/pipeline-header.tsx'
import { RecentRunsPanel } from '#components/pipeline/recent-runs-panel.tsx'
import { RunNowPanel } from '#components/pipeline/run-now-panel.tsx'
import { SchedulePanel } from '#components/pipeline/schedule-panel.tsx'
import { StepsPanel } from '#components/pipeline/steps-panel.tsx'
import { TriggersPanel } from '#components/pipeline/triggers-panel.tsx'
import { VersionHistoryPanel } from '#components/pipeline/version-history-panel.tsx'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { getPipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { getPipelinePartitions } from '#server/queries/get-pipeline-partitions.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

type Props = {
  params: Promise<{ id: string }>
  searchParams: Promise<{ backfill?: string | string[]; problem?: string | string[] }>
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Pipeline ${decodeURIComponent(id)}` }
}

/**
 * A pipeline's page: its step graph, recent runs, versions, the Run now form, schedule and
 * triggers; a partitioned pipeline adds its partitions, backfills and the Backfill form. While a
 * run or a backfill is in progress the page refreshes itself.
 */
export default async function PipelinePage({ params, searchParams }: Props) {
  const { id } = await params
  const query = await searchParams
  const now = new Date()
  const read = await readDatabase(async (db) => {
    const pipeline = await getPipelineDetail(db, decodeURIComponent(id))
    const partitions = pipeline?.partitions
      ? await getPipelinePartitions(db, pipeline.id, pipeline.partitions, now)
      : null
    return pipeline ? { pipeline, partitions } : undefined
  })
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  if (!read.value) notFound()
  const { pipeline, partitions } = read.value
  const viewer = await currentViewer()
  const cannotRun = pipeline.archivedAt
    ? 'Archived pipelines cannot run.'
    : viewer && canOperate(viewer, pipeline.product.owners)
      ? undefined
      : `Owners of ${pipeline.product.name} and admins can run it.`
  const busy =
    partitions?.backfills.some((backfill) => backfill.status === 'running') ||
    pipeline.runs.some((run) => run.status === 'queued' || run.status === 'running')
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Catalog', href: '/' },
          { label: pipeline.product.name, href: `/products/${pipeline.product.id}` },
          { label: pipeline.name },
        ]}
      />
      <PipelineHeader pipeline={pipeline} />
      {busy ? (
        <p className="page-status">
          <AutoRefresh label="Live: runs in progress" />
        </p>
      ) : null}
      {pipeline.archivedAt ? <ArchivedNotice archivedAt={pipeline.archivedAt} /> : null}
      <StepsPanel pipeline={pipeline} />
      {partitions ? <PartitionsPanel partitions={partitions} /> : null}
      <div className="detail-grid">
        <div className="detail-grid__main">
          {partitions ? (
            <BackfillsPanel
              pipelineId={pipeline.id}
              backfills={partitions.backfills}
              mayCancel={cannotRun === undefined}
              problem={first(query.problem)}
              highlight={first(query.backfill)}
              now={now}
            />
          ) : null}
          <RecentRunsPanel runs={pipeline.runs} partitioned={partitions !== null} now={now} />
          <VersionHistoryPanel pipeline={pipeline} />
        </div>
        <aside className="detail-grid__side">
          <RunNowPanel pipeline={pipeline} partitions={partitions} disabled={cannotRun} />
          {partitions ? (
            <NewBackfillPanel pipelineId={pipeline.id} partitions={partitions} disabled={cannotRun} />
          ) : null}
          <SchedulePanel
            pipeline={pipeline}
            now={now}
            cannotChange={cannotRun}
            problem={first(query.problem)}
          />
          <TriggersPanel pipeline={pipeline} />
        </aside>
      </div>
    </>
  )
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)
