import type { Partition } from '../partitions/partition-scheme.ts'
import type { Step, StepOptions, StepOutputs, UpstreamOf } from './step.ts'
import { makeStep } from './step.ts'

/**
 * Declares a pipeline's steps one after another, so that each step's `upstream` is typed from the
 * outputs of the steps it needs. TypeScript cannot type one property of an object literal from the
 * return type of a sibling, so an object of `step()` calls cannot do this; a chain can: every
 * `.step(id, …)` returns a builder whose type `O` has gained `id: <output of run>`.
 *
 * A step can only need steps declared before it, which also makes cycles impossible to write, and
 * an id can be declared once: both are type errors (and validation problems for JavaScript users).
 */
export interface StepsBuilder<P, O extends StepOutputs, Part = Partition | undefined> {
  step<const Id extends string, const N extends readonly (keyof O & string)[] = [], Out = unknown>(
    // Inferred from `id`, then `never` when a step of that id exists: a duplicate is a type error.
    id: Id extends keyof O ? never : Id,
    options: StepOptions<P, UpstreamOf<O, N>, Out, N, Part>,
  ): StepsBuilder<P, O & { readonly [K in Id]: Awaited<Out> }, Part>
}

/** The runtime side of `StepsBuilder`: an immutable list, so a builder kept in a variable and extended twice does not mix. */
export class StepList {
  constructor(
    readonly entries: readonly (readonly [string, Step])[] = [],
    private readonly definedIn: string | undefined = undefined,
  ) {}

  step(id: string, options: unknown): StepList {
    const prefix = `steps.${String(id)}`
    return new StepList(
      [...this.entries, [String(id), makeStep(options, this.definedIn, prefix)]],
      this.definedIn,
    )
  }
}
