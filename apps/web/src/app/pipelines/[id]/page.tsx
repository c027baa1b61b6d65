import { partitionKeyExamples } from '@steward/pipelines/runtime'
import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { AutoRefresh } from '#components/auto-refresh.tsx'
import { BackfillForm } from '#components/backfill-form.tsx'
import { BackfillList } from '#components/backfill-list.tsx'
import { Breadcrumbs } from '#components/breadcrumbs.tsx'
import { DagGraph } from '#components/dag-graph.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { DurationBars } from '#components/duration-bars.tsx'
import { describeScheme, PartitionGrid } from '#components/partition-grid.tsx'
import { type PartitionChoice, RunForm } from '#components/run-form.tsx'
import { StatusBadge } from '#components/status-badge.tsx'
import { TriggerList } from '#components/trigger-list.tsx'
import { formatCost, formatDurationMs, formatInstant, timeAgo } from '#lib/format.ts'
import { paramFields } from '#lib/params-form.ts'
import { describeCron, formatInZone, nextFireTimes } from '#lib/schedule.ts'
import { currentViewer } from '#server/auth/current-viewer.ts'
import { canOperate } from '#server/auth/viewer.ts'
import { cancelBackfillAction, startBackfillAction } from '#server/backfills/actions.ts'
import { getPipelineDetail, type PipelineDetail } from '#server/queries/get-pipeline-detail.ts'
import { getPipelinePartitions, type PipelinePartitions } from '#server/queries/get-pipeline-partitions.ts'
import { readDatabase } from '#server/read-database.ts'
import { startRunAction } from '#server/runs/actions.ts'

export const dynamic = 'force-dynamic'

type Props = {
  params: Promise<{ id: string }>
  searchParams: Promise<{ backfill?: string | string[]; problem?: string | string[] }>
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params
  return { title: `Pipeline ${decodeURIComponent(id)}` }
}

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
  const durations = [...pipeline.runs].reverse().map((run) => {
    const durationMs =
      run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null
    return {
      id: run.id,
      status: run.status,
      durationMs,
      label: `${formatInstant(run.createdAt)}: ${run.status}${durationMs === null ? '' : `, ${formatDurationMs(durationMs)}`}`,
    }
  })
  return (
    <>
      <Breadcrumbs
        items={[
          { label: 'Catalog', href: '/' },
          { label: pipeline.product.name, href: `/products/${pipeline.product.id}` },
          { label: pipeline.name },
        ]}
      />
      <div className="page-header">
        <div>
          <h1>{pipeline.name}</h1>
          <p className="page-header__description">
            <code className="id">{pipeline.id}</code>
            {pipeline.description ? <> · {pipeline.description}</> : null}
          </p>
        </div>
        <PipelineStats pipeline={pipeline} />
      </div>
      {busy ? (
        <p className="page-status">
          <AutoRefresh label="Live: runs in progress" />
        </p>
      ) : null}
      {pipeline.archivedAt ? (
        <section className="notice" role="note">
          <h2>Archived</h2>
          <p>
            This pipeline was removed from code on {formatInstant(pipeline.archivedAt)}. Its history stays; it
            cannot run.
          </p>
        </section>
      ) : null}
      <section className="card panel" aria-labelledby="steps-title">
        <h2 id="steps-title" className="panel__title">
          Steps <span className="panel__count">{pipeline.steps.length}</span>
        </h2>
        <DagGraph
          steps={pipeline.steps}
          statuses={pipeline.lastRunSteps}
          label={`Step graph of ${pipeline.id}: ${pipeline.steps.map((s) => (s.needs.length ? `${s.id} after ${s.needs.join(', ')}` : s.id)).join('; ')}`}
        />
        {pipeline.runs[0] ? <p className="panel__footnote muted">Colours show the newest run.</p> : null}
      </section>

      {partitions ? <PartitionsPanel partitions={partitions} /> : null}

      <div className="detail-grid">
        <div className="detail-grid__main">
          {partitions ? (
            <section id="backfills" className="card panel" aria-labelledby="backfills-title">
              <h2 id="backfills-title" className="panel__title">
                Backfills <span className="panel__count">{partitions.backfills.length}</span>
              </h2>
              {first(query.problem) === 'CANCEL_FAILED' ? (
                <p className="run-form__message" role="alert">
                  The backfill could not be cancelled; the server log says why.
                </p>
              ) : first(query.problem) === 'FORBIDDEN' ? (
                <p className="run-form__message" role="alert">
                  Only the owners of this data product and admins can cancel its backfills.
                </p>
              ) : null}
              <BackfillList
                backfills={partitions.backfills}
                cancelAction={
                  cannotRun
                    ? undefined
                    : (backfillId) => cancelBackfillAction.bind(null, pipeline.id, backfillId)
                }
                highlight={first(query.backfill)}
                now={now}
              />
            </section>
          ) : null}
          <section className="card panel" aria-labelledby="runs-title">
            <h2 id="runs-title" className="panel__title">
              Recent runs <span className="panel__count">{pipeline.runs.length}</span>
            </h2>
            {pipeline.runs.length === 0 ? (
              <p className="muted">
                No runs yet. Start one with the form, or wait for its schedule or trigger.
              </p>
            ) : (
              <>
                <DurationBars runs={durations} />
                <div className="table-scroll">
                  <table className="data-table data-table--compact">
                    <caption className="visually-hidden">Recent runs, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">Run</th>
                        <th scope="col">Status</th>
                        {partitions ? <th scope="col">Partition</th> : null}
                        <th scope="col">Trigger</th>
                        <th scope="col">Started</th>
                        <th scope="col" className="numeric">
                          Duration
                        </th>
                        <th scope="col" className="numeric">
                          Cost
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {pipeline.runs.map((run) => (
                        <tr key={run.id}>
                          <td>
                            <Link href={`/runs/${run.id}` as Route} className="mono-link">
                              {run.id.slice(0, 8)}
                            </Link>
                          </td>
                          <td data-label="Status">
                            <StatusBadge status={run.status} />
                          </td>
                          {partitions ? (
                            <td data-label="Partition">
                              <code>{run.partitionKey ?? '—'}</code>
                            </td>
                          ) : null}
                          <td data-label="Trigger">{run.retryOf ? 'retry' : run.trigger}</td>
                          <td data-label="Started">
                            <time
                              dateTime={(run.startedAt ?? run.createdAt).toISOString()}
                              title={formatInstant(run.startedAt ?? run.createdAt)}
                            >
                              {timeAgo(run.startedAt ?? run.createdAt, now)}
                            </time>
                          </td>
                          <td data-label="Duration" className="numeric">
                            {run.startedAt && run.finishedAt
                              ? formatDurationMs(run.finishedAt.getTime() - run.startedAt.getTime())
                              : run.startedAt
                                ? `${formatDurationMs(now.getTime() - run.startedAt.getTime())}…`
                                : '—'}
                          </td>
                          <td data-label="Cost" className="numeric">
                            {formatCost(run.costUsd)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </section>

          <section className="card panel" aria-labelledby="versions-title">
            <h2 id="versions-title" className="panel__title">
              Version history <span className="panel__count">{pipeline.versions.length}</span>
            </h2>
            <ol className="versions">
              {pipeline.versions.map((version) => (
                <li
                  key={version.version}
                  aria-current={version.version === pipeline.version ? 'true' : undefined}
                >
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
        </div>

        <aside className="detail-grid__side">
          <section className="card panel" aria-labelledby="run-now-title">
            <h2 id="run-now-title" className="panel__title">
              Run now
            </h2>
            <RunForm
              fields={paramFields(pipeline.paramsSchema)}
              action={startRunAction.bind(null, pipeline.id)}
              disabled={cannotRun}
              partition={partitions ? partitionChoice(partitions) : undefined}
            />
          </section>
          {partitions ? (
            <section className="card panel" aria-labelledby="backfill-title">
              <h2 id="backfill-title" className="panel__title">
                Backfill
              </h2>
              <BackfillForm
                action={startBackfillAction.bind(null, pipeline.id)}
                defaultFrom={partitions.cells[0]?.key ?? ''}
                defaultTo={partitions.cells.at(-1)?.key ?? ''}
                keyExample={
                  partitions.scheme.kind === 'time' ? partitionKeyExamples[partitions.scheme.unit] : 'eu'
                }
                disabled={cannotRun}
              />
            </section>
          ) : null}
          <section className="card panel" aria-labelledby="schedule-title">
            <h2 id="schedule-title" className="panel__title">
              Schedule
            </h2>
            <Schedule pipeline={pipeline} now={now} />
          </section>
          <section className="card panel" aria-labelledby="triggers-title">
            <h2 id="triggers-title" className="panel__title">
              Triggers
            </h2>
            <TriggerList triggers={pipeline.triggers} />
            {pipeline.maxConcurrentRuns !== null ? (
              <p className="panel__footnote muted">
                At most {pipeline.maxConcurrentRuns} run{pipeline.maxConcurrentRuns === 1 ? '' : 's'} at once;
                later runs wait.
              </p>
            ) : null}
          </section>
        </aside>
      </div>
    </>
  )
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

function partitionChoice(partitions: PipelinePartitions): PartitionChoice {
  const { scheme, cells } = partitions
  if (scheme.kind === 'static')
    return { defaultKey: scheme.keys[0] ?? '', keys: scheme.keys, example: scheme.keys[0] ?? '' }
  return { defaultKey: cells.at(-1)?.key ?? '', example: partitionKeyExamples[scheme.unit] }
}

function PartitionsPanel({ partitions }: { partitions: PipelinePartitions }) {
  const shown = partitions.cells.length
  return (
    <section id="partitions" className="card panel partitions-panel" aria-labelledby="partitions-title">
      <h2 id="partitions-title" className="panel__title">
        Partitions{' '}
        <span className="panel__count">{partitions.scheme.kind === 'time' ? `newest ${shown}` : shown}</span>
      </h2>
      <p className="muted">{describeScheme(partitions.scheme)}. Each square is a partition's latest run.</p>
      <PartitionGrid cells={partitions.cells} />
    </section>
  )
}

function Schedule({ pipeline, now }: { pipeline: PipelineDetail; now: Date }) {
  if (!pipeline.scheduleCron) return <p className="muted">No schedule: it runs on its triggers or by hand.</p>
  const timezone = pipeline.scheduleTimezone ?? 'UTC'
  const next = pipeline.archivedAt ? [] : nextFireTimes(pipeline.scheduleCron, timezone, now, 3)
  return (
    <>
      <p className="schedule__words">{describeCron(pipeline.scheduleCron) ?? 'Custom schedule'}</p>
      <p className="muted">
        <code>{pipeline.scheduleCron}</code> in {timezone}
      </p>
      {next.length > 0 ? (
        <dl className="schedule__next">
          <dt>Next runs</dt>
          {next.map((at) => (
            <dd key={at.toISOString()}>
              <time dateTime={at.toISOString()}>{formatInZone(at, timezone)}</time>{' '}
              <span className="muted">({timeAgo(at, now)})</span>
            </dd>
          ))}
        </dl>
      ) : null}
    </>
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
