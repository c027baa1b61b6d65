'use server'

import type { BackfillMode } from '@steward/db'
import { cancelBackfill, startBackfill } from '@steward/engine/control'
import { isStewardError } from '@steward/kernel'
import type { Route } from 'next'
import { redirect, unstable_rethrow } from 'next/navigation'
import { uuid } from '#server/api/path-id.ts'
import { auditUi } from '../audit/audit-web.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import { getDb } from '../db.ts'
import { getQueue } from '../runs/queue.ts'
import type { BackfillFormState } from './backfill-form-state.ts'

/*
 * The pipeline page's backfill button and cancel button, as server actions (CSRF: see
 * server/runs/actions.ts). They call the same runtime functions as `steward backfill` and
 * POST /api/v1/pipelines/:id/backfills, so every path validates the range the same way.
 */

const modes: readonly BackfillMode[] = ['all', 'only-failed', 'only-missing']

/** Starts a backfill from the form, then shows the pipeline page with its progress. */
export async function startBackfillAction(
  pipelineId: string,
  _previous: BackfillFormState,
  form: FormData,
): Promise<BackfillFormState> {
  const text = (name: string) => {
    const value = form.get(name)
    return typeof value === 'string' ? value.trim() : ''
  }
  const values = {
    from: text('from'),
    to: text('to'),
    mode: text('mode') || 'all',
    concurrency: text('concurrency') || '4',
    withDownstream: text('withDownstream'),
  }
  const mode = values.mode as BackfillMode
  if (!modes.includes(mode))
    return { message: `Choose which partitions to rerun (${modes.join(', ')}).`, values }
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100)
    return { message: 'Runs at once must be a whole number from 1 to 100.', values }
  let backfillId: string
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { pipelineId })
    if (!allowed.ok) return { message: allowed.message, values }
    const created = await startBackfill(db, await getQueue(), {
      pipelineId,
      ...(values.from ? { from: values.from } : {}),
      ...(values.to ? { to: values.to } : {}),
      mode,
      concurrency,
      withDownstream: values.withDownstream === 'on',
    })
    backfillId = created.backfillId
    await auditUi(
      allowed.viewer,
      'backfill.start',
      { backfillId },
      {
        pipelineId,
        from: values.from,
        to: values.to,
        mode,
        concurrency,
        withDownstream: values.withDownstream === 'on',
      },
    )
  } catch (error) {
    if (isStewardError(error)) return { message: withoutPipelinePrefix(error.message), values }
    console.error('[steward web] starting a backfill failed', error)
    return { message: 'The backfill could not be started; the server log says why.', values }
  }
  redirect(`/pipelines/${encodeURIComponent(pipelineId)}?backfill=${backfillId}#backfills` as Route)
}

/** Cancels a backfill as a whole: no more of its runs start, and running ones are cancelled. */
export async function cancelBackfillAction(pipelineId: string, backfillId: string): Promise<void> {
  let problem = ''
  if (uuid.test(backfillId)) {
    try {
      const { db } = await getDb()
      const allowed = await authorizeOperation(db, { backfillId })
      if (!allowed.ok)
        redirect(`/pipelines/${encodeURIComponent(pipelineId)}?problem=FORBIDDEN#backfills` as Route)
      await cancelBackfill(db, backfillId, { queue: await getQueue() })
      await auditUi(allowed.viewer, 'backfill.cancel', { backfillId })
    } catch (error) {
      unstable_rethrow(error)
      console.error(`[steward web] cancelling backfill ${backfillId} failed`, error)
      problem = '?problem=CANCEL_FAILED'
    }
  }
  redirect(`/pipelines/${encodeURIComponent(pipelineId)}${problem}#backfills` as Route)
}

/** The page already names the pipeline; "pipeline x › backfill range: " would repeat it. */
const withoutPipelinePrefix = (message: string) => {
  const cut = message.replace(/^pipeline \S+ › backfill range: /, '')
  return cut.charAt(0).toUpperCase() + cut.slice(1)
}
