import { relative, resolve } from 'node:path'
import packageJson from '../../package.json' with { type: 'json' }
import { askAnswers } from './ask-answers.ts'
import { type ProjectDependencies, projectDependencies } from './project-dependencies.ts'
import { projectFiles } from './project-files.ts'
import { defaultAnswers, type InitAnswers, projectNames } from './project-names.ts'
import { refuseExisting, writeProject } from './write-project.ts'

export interface InitOptions {
  /** The project folder; created when missing. */
  folder: string
  /** A folder of tarballs (`npm run pack`'s `dist/packs`) to depend on instead of the registry. */
  from?: string | undefined
  /** Ask for the product's name and owner; otherwise take the defaults. */
  ask: boolean
  /** The Steward version to depend on; default this CLI's. */
  version?: string
}

/**
 * `steward init`: writes a working project (package.json, tsconfig, config, one product with its
 * docs, one pipeline, its test, .gitignore, README) into `folder`, or nothing if any of those
 * files exists. Returns the paths written, relative to the folder.
 */
export async function initProject(options: InitOptions, out: (line: string) => void): Promise<string[]> {
  const folder = resolve(options.folder)
  // Before any question: a missing tarball is one line, with nothing asked in vain.
  const deps = projectDependencies(options.version ?? packageJson.version, options.from)
  const defaults = defaultAnswers(folder)
  if (options.ask) refuseExisting(folder, fixedPaths(folder, deps))
  const answers: InitAnswers = options.ask ? await askAnswers(defaults) : defaults
  const names = projectNames(folder, answers)
  const written = await writeProject(folder, projectFiles(names, deps))
  const nearby = relative(process.cwd(), folder)
  const shown = nearby === '' ? '.' : nearby.startsWith('..') ? folder : nearby
  out(`init: wrote ${written.length} files in ${folder}`)
  for (const path of written) out(`  ${path}`)
  out('')
  out('next:')
  if (shown !== '.') out(`  cd ${/[^\w@%+=:,./-]/.test(shown) ? `'${shown.replace(/'/g, `'\\''`)}'` : shown}`)
  out('  npm install')
  out('  npx steward dev        # everything on this machine, this project deployed')
  out(`  npm test               # the steps of ${names.pipelineId}, in process`)
  return written
}

/**
 * The files init writes whatever the answers (package.json, config, README…): checked before any
 * question, so that a folder that is already a project is refused before anyone types an answer.
 */
function fixedPaths(folder: string, deps: ProjectDependencies): string[] {
  const pathsFor = (answers: InitAnswers) => Object.keys(projectFiles(projectNames(folder, answers), deps))
  const other = new Set(pathsFor({ productName: 'Steward init probe', owner: 'steward-init-probe' }))
  return pathsFor(defaultAnswers(folder)).filter((path) => other.has(path))
}
