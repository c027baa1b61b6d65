import { json } from '@steward/db'
import { enqueueSteps, type RuntimeQueue, type StepToEnqueue } from '../queue/runtime-queue.ts'
import { createRunIn } from '../runs/create-run.ts'
import type { Db } from '../store/db.ts'

export interface EmitEventInput {
  /** The event's name, as in `onEvent({ name })`; an unnamed `onEvent()` listens to its pipeline's id. */
  name: string
  params?: Record<string, unknown>
  /** The sender's id for this event: a retried delivery with the same id starts no second run. */
  eventId?: string
  detail?: Record<string, unknown>
}

export interface EmittedEvent {
  /** One per listening pipeline. */
  runs: { pipelineId: string; runId: string; created: boolean }[]
}

/**
 * Starts one run (trigger `event`) of every active pipeline listening to the event, all in one
 * transaction: params are checked against each pipeline's schema first, and one bad param refuses
 * the whole event (`PARAMS_INVALID` naming the pipeline and field), so a sender never half-succeeds.
 * Enqueues the first steps after the commit. No listener: an empty `runs`.
 *
 * @example
 * await emitEvent(db, queue, { name: 'churn-file-landed', params: { file: 'export.csv' }, eventId: 'export.csv@1700000000' })
 */
export async function emitEvent(db: Db, queue: RuntimeQueue, input: EmitEventInput): Promise<EmittedEvent> {
  const enqueue: StepToEnqueue[] = []
  const runs = await db.transaction().execute(async (trx) => {
    const listeners = await trx
      .selectFrom('pipelines')
      .select('id')
      .where('archived_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb(
            'triggers',
            '@>',
            eb.cast<unknown[]>(eb.val(json([{ kind: 'event', name: input.name }])), 'jsonb'),
          ),
          eb.and([
            eb('id', '=', input.name),
            eb('triggers', '@>', eb.cast<unknown[]>(eb.val(json([{ kind: 'event', name: null }])), 'jsonb')),
          ]),
        ]),
      )
      .orderBy('id')
      .execute()
    const started: EmittedEvent['runs'] = []
    for (const listener of listeners) {
      const created = await createRunIn(trx, {
        pipelineId: listener.id,
        params: input.params ?? {},
        trigger: 'event',
        triggerDetail: { event: input.name, ...(input.detail ?? {}) },
        ...(input.eventId === undefined ? {} : { idempotencyKey: `event:${input.name}:${input.eventId}` }),
      })
      enqueue.push(...created.enqueue)
      started.push({ pipelineId: listener.id, runId: created.runId, created: created.created })
    }
    return started
  })
  await enqueueSteps(queue, enqueue)
  return { runs }
}
