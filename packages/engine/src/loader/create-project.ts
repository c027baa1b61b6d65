import { readFile } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import type { DefinitionProblem, Pipeline, Product } from '@steward/pipelines'
import {
  DefinitionError,
  defineConfig,
  definitionMeta,
  type StewardConfig,
  validateProject,
} from '@steward/pipelines'
import type { FoundDefinition } from './collect-definitions.ts'
import type { LoadedProduct, Project } from './project.ts'

export interface CreateProjectOptions {
  products: readonly Product[]
  pipelines: readonly Pipeline[]
  config?: StewardConfig
  /** Folder paths are shown relative to, and docs without a known file resolve against; the current directory by default. */
  root?: string
}

/**
 * A project from definitions held in code rather than loaded from files: for tests, and for tools
 * that build definitions themselves. Reads the products' docs and validates like `loadProject`.
 *
 * @example
 * const project = await createProject({ products: [funnel], pipelines: [build] })
 * const catalog = compileCatalog(project)
 */
export async function createProject(options: CreateProjectOptions): Promise<Project> {
  const root = resolve(options.root ?? process.cwd())
  const located = <T>(definition: T): FoundDefinition<T> => ({
    definition,
    path: definitionMeta(definition)?.definedIn ?? resolve(root, '(code)'),
  })
  return finishProject({
    root,
    configFile: 'steward.config.ts',
    config: options.config ?? defineConfig({ definitions: ['(code)'] }),
    products: options.products.map(located),
    pipelines: options.pipelines.map(located),
    files: [],
    problems: [],
  })
}

export interface ProjectParts {
  root: string
  configFile: string
  config: StewardConfig
  products: readonly FoundDefinition<Product>[]
  pipelines: readonly FoundDefinition<Pipeline>[]
  files: readonly string[]
  /** Problems found while loading (files that failed to import, globs that matched nothing). */
  problems: readonly DefinitionProblem[]
}

/** Reads the docs, validates everything, and throws a `DefinitionError` listing every problem, or returns the project. */
export async function finishProject(parts: ProjectParts): Promise<Project> {
  const problems = [...parts.problems]
  const show = (path: string) => relative(parts.root, path).split(sep).join('/')
  const products: LoadedProduct[] = []
  for (const { definition, path } of parts.products) {
    const file = show(path)
    products.push({ definition, file, ...(await readDocs(definition, path, show, file, problems)) })
  }
  const pipelines = parts.pipelines.map(({ definition, path }) => ({ definition, file: show(path) }))
  problems.push(
    ...validateProject({ configFile: parts.configFile, config: parts.config, products, pipelines }),
  )
  if (problems.length > 0) {
    // Grouped by file, the config first, so the list reads like a to-do list; stable within a file.
    const rank = (problem: DefinitionProblem) => (problem.file === parts.configFile ? '' : problem.file)
    throw new DefinitionError(problems.sort((a, b) => rank(a).localeCompare(rank(b))))
  }
  return {
    root: parts.root,
    configFile: parts.configFile,
    config: parts.config,
    products,
    pipelines,
    files: parts.files,
  }
}

async function readDocs(
  product: Product,
  path: string,
  show: (path: string) => string,
  file: string,
  problems: DefinitionProblem[],
): Promise<{ docsPath: string | null; docsMarkdown: string | null }> {
  const docs = product.docs
  const docsIssue = definitionMeta(product)?.issues.some((issue) => issue.field === 'docs')
  if (typeof docs !== 'string' || docsIssue) return { docsPath: null, docsMarkdown: null }
  // Relative to the file that defines the product, the way an import path reads.
  const docsFile = resolve(dirname(path), docs)
  try {
    return { docsPath: show(docsFile), docsMarkdown: await readFile(docsFile, 'utf8') }
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'does not exist'
        : `cannot be read (${(error as Error).message})`
    problems.push({
      file,
      definition: `product ${product.id}`,
      field: 'docs',
      message: `"${docs}" ${reason}: looked for ${show(docsFile)}, relative to ${file}`,
    })
    return { docsPath: show(docsFile), docsMarkdown: null }
  }
}
