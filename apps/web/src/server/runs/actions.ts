'use server'

import { cancelRun, createRun, enqueueSteps, retryRun } from '@steward/engine/control'
import { isStewardError } from '@steward/kernel'
import type { Route } from 'next'
import { redirect, unstable_rethrow } from 'next/navigation'
import { paramFields, parseParams } from '#lib/params-form.ts'
import { uuid } from '#server/api/path-id.ts'
import { auditUi } from '../audit/audit-web.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import { getDb } from '../db.ts'
import { getQueue } from './queue.ts'
import { partitionField, type RunFormState } from './run-form-state.ts'

/*
 * The UI's mutations, as server actions: the pages' forms post here and work without client
 * JavaScript. CSRF: Next.js accepts a server action only as a POST whose Origin header matches the
 * app's host (x-forwarded-host or host), and refuses other origins before this code runs; we add no
 * `serverActions.allowedOrigins`. The JSON API (`/api/v1/…`) is for programs and is protected
 * separately.
 */

/** "Run now": params from the form (typed by the stored JSON Schema), a manual run, then its page. */
export async function startRunAction(
  pipelineId: string,
  _previous: RunFormState,
  form: FormData,
): Promise<RunFormState> {
  let runId: string
  const values: Record<string, string> = {}
  for (const [key, value] of form.entries()) {
    if (key.startsWith('param.') && typeof value === 'string') values[key.slice('param.'.length)] = value
  }
  const partition = form.get(partitionField)
  const partitionKey = typeof partition === 'string' && partition.trim() !== '' ? partition.trim() : undefined
  if (partitionKey !== undefined) values[partitionField] = partitionKey
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { pipelineId })
    if (!allowed.ok) return { message: allowed.message, fieldErrors: {}, values }
    const pipeline = await db
      .selectFrom('pipelines')
      .select('params_schema')
      .where('id', '=', pipelineId)
      .executeTakeFirst()
    if (!pipeline) return { message: `No pipeline ${pipelineId} is deployed.`, fieldErrors: {}, values }
    const parsed = parseParams(paramFields(pipeline.params_schema), form)
    if (!parsed.ok) return { message: 'Some params need fixing.', fieldErrors: parsed.errors, values }
    const created = await createRun(db, {
      pipelineId,
      params: parsed.params,
      ...(partitionKey !== undefined ? { partitionKey } : {}),
      trigger: 'manual',
      triggerDetail: { via: 'web', by: allowed.viewer.email ?? allowed.viewer.name },
    })
    runId = created.runId
    await auditUi(allowed.viewer, 'run.start', { runId }, { pipelineId, params: parsed.params, partitionKey })
    // The run is in SQL: should Redis hiccup now, the reconciler enqueues its steps later.
    await enqueueSteps(await getQueue(), created.enqueue).catch((error: unknown) => {
      console.error(`[steward web] run ${created.runId} created; enqueueing its first steps failed`, error)
    })
  } catch (error) {
    return { ...formError(error), values }
  }
  redirect(`/runs/${runId}` as Route)
}

function formError(error: unknown): Omit<RunFormState, 'values'> {
  if (isStewardError(error) && error.code === 'PARAMS_INVALID') {
    const fieldErrors: Record<string, string> = {}
    const issues = (error.cause as { issues?: { path: PropertyKey[]; message: string }[] } | undefined)
      ?.issues
    for (const issue of issues ?? []) {
      const name = String(issue.path[0] ?? '')
      if (name !== '' && !fieldErrors[name]) fieldErrors[name] = sentence(issue.message)
    }
    return {
      message: Object.keys(fieldErrors).length > 0 ? 'Some params need fixing.' : error.message,
      fieldErrors,
    }
  }
  if (isStewardError(error) && (error.code === 'PARTITION_INVALID' || error.code === 'PARTITION_REQUIRED')) {
    const reason = error.message.replace(/^pipeline \S+( › partition)?: /, '')
    return { message: 'Choose a partition.', fieldErrors: { [partitionField]: sentence(reason) } }
  }
  if (isStewardError(error)) return { message: error.message, fieldErrors: {} }
  console.error('[steward web] starting a run failed', error)
  return { message: 'The run could not be started; the server log says why.', fieldErrors: {} }
}

const sentence = (text: string) => {
  const trimmed = text.trim()
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}

/** Cancel: running steps stop within a heartbeat; the page follows the run to `cancelled`. */
export async function cancelRunAction(runId: string): Promise<void> {
  if (!uuid.test(runId)) redirect('/')
  let problem: string | undefined
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { runId })
    if (!allowed.ok) redirect(`/runs/${runId}?problem=FORBIDDEN` as Route)
    await cancelRun(db, runId, { queue: await getQueue() })
    await auditUi(allowed.viewer, 'run.cancel', { runId })
  } catch (error) {
    unstable_rethrow(error)
    problem = problemCode(error, 'cancel')
  }
  redirect(`/runs/${runId}${problem ? `?problem=${problem}` : ''}` as Route)
}

/** Retry from failed: a new run that reuses the succeeded steps' outputs; the browser goes to it. */
export async function retryRunAction(runId: string): Promise<void> {
  if (!uuid.test(runId)) redirect('/')
  let target: string
  try {
    const { db } = await getDb()
    const allowed = await authorizeOperation(db, { runId })
    if (!allowed.ok) redirect(`/runs/${runId}?problem=FORBIDDEN` as Route)
    const retried = await retryRun(db, await getQueue(), runId, {
      triggerDetail: { via: 'web', by: allowed.viewer.email ?? allowed.viewer.name },
    })
    await auditUi(allowed.viewer, 'run.retry', { runId: retried.runId }, { retryOf: runId })
    target = `/runs/${retried.runId}`
  } catch (error) {
    unstable_rethrow(error)
    target = `/runs/${runId}?problem=${problemCode(error, 'retry')}`
  }
  redirect(target as Route)
}

/** A closed set of codes the run page explains; anything unexpected is logged and shown as `FAILED`. */
function problemCode(error: unknown, what: string): string {
  if (isStewardError(error)) {
    if (['RUN_NOT_RETRYABLE', 'PIPELINE_BUSY', 'PIPELINE_ARCHIVED', 'RUN_NOT_FOUND'].includes(error.code)) {
      return error.code
    }
  }
  console.error(`[steward web] ${what} failed`, error)
  return what === 'cancel' ? 'CANCEL_FAILED' : 'RETRY_FAILED'
}
