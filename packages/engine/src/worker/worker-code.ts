import type { Pipeline } from '@steward/pipelines'
import { stepCodeHash } from '../deploy/compile-catalog.ts'
import type { Project } from '../loader/project.ts'

/** One load of a pipeline's code, with the hash of each step's code. */
interface Generation {
  readonly pipeline: Pipeline
  readonly stepHashes: ReadonlyMap<string, string>
}

/** What runs in flight need: per pipeline id, the code hashes of the steps of their versions. */
export type NeededCode = ReadonlyMap<string, ReadonlySet<string>>

/**
 * The pipelines' code a worker holds: the current load, and older loads (a `steward dev` reload
 * installs a new one) for as long as runs started on them are in flight, so a run finishes on the
 * code it started with.
 *
 * A run records its pipeline version, and a version records each step's code hash (a hash of the
 * step's `run` source): a step runs with the newest load whose step has the hash its run's version
 * recorded. A change to a file the step imports, with the step's own source unchanged, makes no
 * new version: such a run's remaining steps take the newest load's code. A hash no load has (a
 * deploy from elsewhere that this worker did not load) falls back to the current load, as a worker
 * always did.
 */
export class WorkerCode {
  private readonly current = new Map<string, Generation>()
  /** Older loads per pipeline id, newest first. */
  private readonly older = new Map<string, Generation[]>()

  constructor(project: Pick<Project, 'pipelines'>) {
    this.install(project)
  }

  /** Makes `project`'s code current; the code it replaces stays until `prune` finds no run needs it. */
  install(project: Pick<Project, 'pipelines'>): void {
    const replaced = new Map(this.current)
    this.current.clear()
    for (const { definition } of project.pipelines) {
      const stepHashes = new Map(
        Object.entries(definition.steps).map(([id, step]) => [id, stepCodeHash(step)]),
      )
      this.current.set(definition.id, { pipeline: definition, stepHashes })
    }
    for (const [id, generation] of replaced) {
      this.older.set(id, [generation, ...(this.older.get(id) ?? [])])
    }
  }

  /** The current code of a pipeline (scheduled runs, params defaults), or undefined when it is not loaded. */
  currentPipeline(pipelineId: string): Pipeline | undefined {
    return this.current.get(pipelineId)?.pipeline
  }

  /**
   * The code to run step `stepId` of a run whose version recorded `codeHash` for it: the newest
   * load with that hash, else the current load (undefined when neither has the pipeline).
   */
  forStep(pipelineId: string, stepId: string, codeHash: string | undefined): Pipeline | undefined {
    const current = this.current.get(pipelineId)
    if (codeHash === undefined || current?.stepHashes.get(stepId) === codeHash) return current?.pipeline
    const older = this.older
      .get(pipelineId)
      ?.find((generation) => generation.stepHashes.get(stepId) === codeHash)
    return older?.pipeline ?? current?.pipeline
  }

  /** True while older loads are held: only then is there anything to prune. */
  get holdsOlder(): boolean {
    return this.older.size > 0
  }

  /**
   * Drops the older loads that no run in flight needs: a load is kept only if it has a step code
   * hash that `needed` lists for its pipeline and no newer load has. Returns how many were dropped.
   */
  prune(needed: NeededCode): number {
    let dropped = 0
    for (const [id, generations] of this.older) {
      const wanted = needed.get(id) ?? new Set<string>()
      const covered = new Set(this.current.get(id)?.stepHashes.values() ?? [])
      const kept = generations.filter((generation) => {
        const hashes = [...generation.stepHashes.values()]
        const keep = hashes.some((hash) => wanted.has(hash) && !covered.has(hash))
        for (const hash of hashes) covered.add(hash)
        return keep
      })
      dropped += generations.length - kept.length
      if (kept.length > 0) this.older.set(id, kept)
      else this.older.delete(id)
    }
    return dropped
  }
}
