/**
 * How Steward recognises its own definitions among a module's exports. The brand lives under a
 * symbol from the global registry (`Symbol.for`) because a data team's definition files are
 * imported through tsx and may get a copy of this package of their own: `Symbol.for` is shared by
 * every copy, a plain `Symbol()` or an `instanceof` check would not be.
 */
export const definitionBrand: unique symbol = Symbol.for('steward.definition') as never

export type DefinitionKind = 'product' | 'pipeline' | 'step' | 'config'

/** A problem with one option, found when the definition was made; validation reports it with its file. */
export interface DefinitionIssue {
  /** The option's path inside the definition, e.g. `owners[0].slack` or `steps.funnel.timeout`. */
  field: string
  message: string
}

export interface DefinitionMeta<K extends DefinitionKind = DefinitionKind> {
  readonly kind: K
  /**
   * Problems in the options. Define functions never throw on a bad option: they record it here so
   * that `steward validate` can list every problem of every file at once, not only the first.
   */
  readonly issues: readonly DefinitionIssue[]
  /** Absolute path of the file that called the define function, when the call stack tells it. */
  readonly definedIn: string | undefined
}

export interface Branded<K extends DefinitionKind> {
  readonly [definitionBrand]: DefinitionMeta<K>
}

/** Attaches the brand (not enumerable, so spreads and JSON ignore it) and freezes the definition: definitions are inert data. */
export function brand<T extends object, K extends DefinitionKind>(
  value: T,
  meta: DefinitionMeta<K>,
): T & Branded<K> {
  Object.defineProperty(value, definitionBrand, { value: Object.freeze(meta), enumerable: false })
  return Object.freeze(value) as T & Branded<K>
}

/** The brand of a Steward definition, or undefined for anything else. */
export function definitionMeta(value: unknown): DefinitionMeta | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  const meta: unknown = (value as { [definitionBrand]?: unknown })[definitionBrand]
  if (typeof meta !== 'object' || meta === null || !('kind' in meta)) return undefined
  return meta as DefinitionMeta
}

export function isDefinitionOf<K extends DefinitionKind>(value: unknown, kind: K): value is Branded<K> {
  return definitionMeta(value)?.kind === kind
}
