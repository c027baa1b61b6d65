import { definitionMeta, isPipeline, isProduct, type Pipeline, type Product } from '@steward/pipelines'

/** A definition found in a module and the absolute path of the file that made it. */
export interface FoundDefinition<T> {
  readonly definition: T
  readonly path: string
}

/**
 * Gathers the products and pipelines a definition module exports, as values or in arrays (for
 * pipelines generated in a loop). A definition exported by several modules (re-exported through
 * an index file) is kept once. Its file is the one that called the define function when the call
 * stack said so, else the first module that exported it.
 */
export class DefinitionCollector {
  readonly products: FoundDefinition<Product>[] = []
  readonly pipelines: FoundDefinition<Pipeline>[] = []
  private readonly seen = new Set<object>()

  add(moduleExports: Record<string, unknown>, modulePath: string): void {
    for (const value of Object.values(moduleExports)) {
      for (const item of Array.isArray(value) ? value : [value]) this.addValue(item, modulePath)
    }
  }

  private addValue(value: unknown, modulePath: string): void {
    if (!isProduct(value) && !isPipeline(value)) return
    if (this.seen.has(value)) return
    this.seen.add(value)
    const path = definitionMeta(value)?.definedIn ?? modulePath
    if (isProduct(value)) this.products.push({ definition: value, path })
    else this.pipelines.push({ definition: value, path })
  }
}
