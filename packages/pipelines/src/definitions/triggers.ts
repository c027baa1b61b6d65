import type { Branded } from './brand.ts'

/** A pipeline or its id, wherever one pipeline names another. */
export type PipelineRef = string | (Branded<'pipeline'> & { readonly id: string })

/** Run when the named pipeline's run succeeds. */
export interface UpstreamTrigger {
  kind: 'upstream'
  pipeline: PipelineRef
}

/** Run when an event arrives over HTTP; its payload is checked against the pipeline's params. */
export interface EventTrigger {
  kind: 'event'
  /** Event name to listen for; without one, events addressed to this pipeline's id. */
  name?: string
}

/** Runs started by a person (`steward run`, the web UI or `POST /api/v1/pipelines/:id/runs`). */
export interface ManualTrigger {
  kind: 'manual'
}

export type Trigger = UpstreamTrigger | EventTrigger | ManualTrigger

/**
 * Runs a pipeline each time another one succeeds.
 *
 * @example
 * definePipeline({ id: 'signup-funnel.build', triggers: [afterSuccessOf(activityCounts)], … })
 */
export function afterSuccessOf(pipeline: PipelineRef): UpstreamTrigger {
  return { kind: 'upstream', pipeline }
}

/**
 * Runs a pipeline when an HTTP event arrives.
 *
 * @example
 * definePipeline({ id: 'churn.score', triggers: [onEvent({ name: 'churn-export-landed' })], … })
 */
export function onEvent(options: { name?: string } = {}): EventTrigger {
  return options.name === undefined ? { kind: 'event' } : { kind: 'event', name: options.name }
}

/**
 * Says a pipeline is meant to be started by hand (it may also have a schedule or other triggers).
 *
 * @example
 * definePipeline({ id: 'backfill.activity', triggers: [manual()], … })
 */
export function manual(): ManualTrigger {
  return { kind: 'manual' }
}
