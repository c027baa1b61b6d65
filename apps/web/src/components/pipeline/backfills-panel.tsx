import { cancelBackfillAction } from '#server/backfills/actions.ts'
import type { BackfillRow } from '#server/queries/get-pipeline-partitions.ts'
import { BackfillList } from '../backfill-list.tsx'

/** The pipeline's newest backfills with their progress, and a Cancel button for those who may. */
export function BackfillsPanel({
  pipelineId,
  backfills,
  mayCancel,
  problem,
  highlight,
  now,
}: {
  pipelineId: string
  backfills: readonly BackfillRow[]
  mayCancel: boolean
  /** The page's `?problem=`: why a cancel did nothing, as cancelBackfillAction redirects with it. */
  problem: string | undefined
  /** The page's `?backfill=`: the backfill just started from the form. */
  highlight: string | undefined
  now: Date
}) {
  return (
    <section id="backfills" className="card panel" aria-labelledby="backfills-title">
      <h2 id="backfills-title" className="panel__title">
        Backfills <span className="panel__count">{backfills.length}</span>
      </h2>
      {problem === 'CANCEL_FAILED' ? (
        <p className="run-form__message" role="alert">
          The backfill could not be cancelled; the server log says why.
        </p>
      ) : problem === 'FORBIDDEN' ? (
        <p className="run-form__message" role="alert">
          Only the owners of this data product and admins can cancel its backfills.
        </p>
      ) : null}
      <BackfillList
        backfills={backfills}
        cancelAction={
          mayCancel ? (backfillId) => cancelBackfillAction.bind(null, pipelineId, backfillId) : undefined
        }
        highlight={highlight}
        now={now}
      />
    </section>
  )
}
