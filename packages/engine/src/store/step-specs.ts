import type { StepSpec } from '@steward/db'
import type { Db } from './db.ts'

/**
 * The deployed spec (retries, backoff, timeout) of a run's step, from the pipeline version the run
 * was created with: a deploy during a run does not change the rules of its remaining attempts.
 * Versions never change once written, so they are cached for the life of the process.
 */
export class StepSpecs {
  private readonly versions = new Map<string, Promise<Map<string, StepSpec>>>()

  constructor(private readonly db: Db) {}

  async get(pipelineId: string, version: number, stepId: string): Promise<StepSpec | undefined> {
    return (await this.steps(pipelineId, version)).get(stepId)
  }

  /** Every step of a version, by step id. */
  async steps(pipelineId: string, version: number): Promise<ReadonlyMap<string, StepSpec>> {
    const key = `${pipelineId}@${version}`
    let specs = this.versions.get(key)
    if (!specs) {
      specs = this.load(pipelineId, version)
      this.versions.set(key, specs)
      specs.catch(() => this.versions.delete(key))
    }
    return specs
  }

  private async load(pipelineId: string, version: number): Promise<Map<string, StepSpec>> {
    const row = await this.db
      .selectFrom('pipeline_versions')
      .select('definition')
      .where('pipeline_id', '=', pipelineId)
      .where('version', '=', version)
      .executeTakeFirst()
    const steps = (row?.definition as { steps?: StepSpec[] } | undefined)?.steps ?? []
    return new Map(steps.map((step) => [step.id, step]))
  }
}

/** Wait before retry number `failedAttempt` (1: after the first try failed). */
export function backoffDelayMs(
  spec: Pick<StepSpec, 'backoffType' | 'backoffMs'>,
  failedAttempt: number,
): number {
  if (spec.backoffType === 'fixed') return spec.backoffMs
  return spec.backoffMs * 2 ** Math.max(0, failedAttempt - 1)
}
