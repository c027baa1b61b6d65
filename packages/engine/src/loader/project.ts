import type { Pipeline, Product, StewardConfig } from '@steward/pipelines'

/** A product as loaded: its definition, where it came from, and its docs as they will be deployed. */
export interface LoadedProduct {
  readonly definition: Product
  /** The defining file, relative to the project root. */
  readonly file: string
  /** The docs file, relative to the project root (null: the product has no docs). */
  readonly docsPath: string | null
  readonly docsMarkdown: string | null
}

export interface LoadedPipeline {
  readonly definition: Pipeline
  /** The defining file, relative to the project root. */
  readonly file: string
}

/** A data team's project, loaded and valid: what `steward deploy` syncs and the runtime runs. */
export interface Project {
  /** Absolute path of the folder holding steward.config.ts; files below are relative to it. */
  readonly root: string
  /** The config file, relative to `root`. */
  readonly configFile: string
  readonly config: StewardConfig
  readonly products: readonly LoadedProduct[]
  readonly pipelines: readonly LoadedPipeline[]
  /** The definition files that were imported, relative to `root`, in import order. */
  readonly files: readonly string[]
}
