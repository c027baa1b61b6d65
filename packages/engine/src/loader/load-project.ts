import { stat } from 'node:fs/promises'
import { basename, dirname, relative, resolve, sep } from 'node:path'
import { StewardError } from '@steward/kernel'
import type { DefinitionProblem } from '@steward/pipelines'
import { DefinitionError, definitionMeta, isConfig } from '@steward/pipelines'
import { DefinitionCollector } from './collect-definitions.ts'
import { finishProject } from './create-project.ts'
import { errorLocation } from './error-location.ts'
import { expandGlobs } from './expand-globs.ts'
import { newLoadGeneration } from './load-generation.ts'
import type { Project } from './project.ts'

export type LoaderErrorCode = 'CONFIG_NOT_FOUND' | 'CONFIG_LOAD_FAILED' | 'CONFIG_INVALID'

/**
 * Loads a data team's project: imports `steward.config.ts` and every definition file it names
 * (TypeScript, through tsx), collects the exported products and pipelines, reads their docs and
 * validates the lot. Every problem in every file is reported at once in a `DefinitionError`; a
 * config that is missing or fails to import is a one-line `StewardError`.
 *
 * All files are imported as one generation (`load-generation.ts`), so a product imported by two
 * pipeline files is the same object in both; each call is a new generation that reads the project's
 * files afresh (`steward dev` reloads on save this way) while packages are shared. The loader stays
 * registered for the life of the process: steps may import TypeScript lazily inside `run`
 * (`await import('./heavy.ts')`), and that needs it.
 *
 * @example
 * const project = await loadProject('steward.config.ts')
 * for (const { definition, file } of project.pipelines) console.log(definition.id, file)
 */
export async function loadProject(configPath: string): Promise<Project> {
  const configFile = resolve(configPath)
  const root = dirname(configFile)
  const show = (path: string) => relative(root, path).split(sep).join('/')
  const configName = basename(configFile)

  const exists = await stat(configFile).then(
    (s) => s.isFile(),
    () => false,
  )
  if (!exists) {
    throw new StewardError<LoaderErrorCode>(
      'CONFIG_NOT_FOUND',
      `${configPath} does not exist: create it with export default defineConfig({ definitions: ['pipelines/**/*.ts'] })`,
    )
  }

  const load = newLoadGeneration(root)
  {
    let config: unknown
    try {
      config = (await load(configFile)).default
    } catch (error) {
      const at = errorLocation(error, root)
      throw new StewardError<LoaderErrorCode>(
        'CONFIG_LOAD_FAILED',
        at?.file === configName
          ? `${configPath}:${at.line} failed to load: ${oneLine(error)}`
          : `${configPath} failed to load: ${oneLine(error)}${at ? ` (at ${at.file}:${at.line})` : ''}`,
        { cause: error },
      )
    }
    if (!isConfig(config)) {
      throw new StewardError<LoaderErrorCode>(
        'CONFIG_INVALID',
        `${configPath} must export default defineConfig({ definitions: ['pipelines/**/*.ts'] }) from '@steward/pipelines'`,
      )
    }
    const definitionsIssues = (definitionMeta(config)?.issues ?? []).filter((issue) =>
      issue.field.startsWith('definitions'),
    )
    if (definitionsIssues.length > 0) {
      throw new DefinitionError(
        definitionsIssues.map((issue) => ({ file: configName, definition: 'config', ...issue })),
      )
    }

    const problems: DefinitionProblem[] = []
    const files: string[] = []
    const expanded = await expandGlobs(root, config.definitions)
    expanded.forEach(({ pattern, files: matched }, index) => {
      if (matched.length === 0) {
        problems.push({
          file: configName,
          definition: 'config',
          field: `definitions[${index}]`,
          message: `"${pattern}" matches no files (relative to ${configName})`,
        })
      }
      for (const file of matched) if (file !== configFile && !files.includes(file)) files.push(file)
    })

    const collector = new DefinitionCollector()
    for (const file of files) {
      try {
        collector.add(await load(file), file)
      } catch (error) {
        // Where it broke, which may be a file the definition file imports.
        const at = errorLocation(error, root)
        const via = at && at.file !== show(file) ? ` (imported by ${show(file)})` : ''
        problems.push({
          file: at?.file ?? show(file),
          ...(at ? { line: at.line } : {}),
          definition: '',
          field: '',
          message: `failed to import${via}: ${oneLine(error)}`,
        })
      }
    }

    return await finishProject({
      root,
      configFile: configName,
      config,
      products: collector.products,
      pipelines: collector.pipelines,
      files: files.map(show),
      problems,
    })
  }
}

/** An error as one line: a compile error from esbuild spans several. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const line = message.replace(/\s*\n\s*/g, ' ').trim()
  return line.length > 400 ? `${line.slice(0, 400)}…` : line
}
