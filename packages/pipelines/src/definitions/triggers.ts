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

/**
 * Run when a file lands in an inbox folder, `$STEWARD_HOME/inbox/<inbox>/`: one run per file,
 * with the file's name in the param `param`. A file is picked up once (its name, size and
 * modification time), and only when it stopped growing.
 */
export interface FileTrigger {
  kind: 'file'
  /** Folder name under the inbox root: letters, digits, `-` and `_`. */
  inbox: string
  /** The string param that receives the file's name. */
  param: string
}

/** Runs started by a person (`steward run`, the web UI or `POST /api/v1/pipelines/:id/runs`). */
export interface ManualTrigger {
  kind: 'manual'
}

export type Trigger = UpstreamTrigger | EventTrigger | FileTrigger | ManualTrigger

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
 * Runs a pipeline for every file that lands in `$STEWARD_HOME/inbox/<inbox>/`.
 *
 * @example
 * definePipeline({ id: 'churn.score', params: z.object({ file: z.string() }), triggers: [onFile({ inbox: 'churn', param: 'file' })], … })
 */
export function onFile(options: { inbox: string; param: string }): FileTrigger {
  return { kind: 'file', inbox: options.inbox, param: options.param }
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
