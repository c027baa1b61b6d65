import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { cliError } from '../errors.ts'

/** The file that makes a folder a Steward project. */
export const configFileName = 'steward.config.ts'

/** Where a command's project file came from: `--config`, or found walking up from a folder. */
export type ConfigLookup =
  | { found: true; path: string; given: boolean }
  | { found: false; start: string; message: string }

/**
 * The project file: `--config` resolved against the working directory when given (a missing one is
 * the loader's one-line error, naming it), else the first `steward.config.ts` in `start` or any
 * parent folder, as git finds `.git`. Not found: a one-line message saying where it looked.
 */
export function lookUpConfig(option: string | undefined, start = process.cwd()): ConfigLookup {
  if (option !== undefined) return { found: true, path: resolve(option), given: true }
  let dir = resolve(start)
  for (;;) {
    const candidate = join(dir, configFileName)
    if (existsSync(candidate)) return { found: true, path: candidate, given: false }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return {
    found: false,
    start: resolve(start),
    message: `no ${configFileName} in ${resolve(start)} or any parent folder: run npx steward init to make a project here, or pass --config <file>`,
  }
}

/** The project file a command needs (see `lookUpConfig`); throws the one-line message when there is none. */
export function findConfig(option: string | undefined, start = process.cwd()): string {
  const lookup = lookUpConfig(option, start)
  if (!lookup.found) throw cliError('CONFIG_NOT_FOUND', lookup.message)
  return lookup.path
}

/** What `--config` means, in the help of every command that takes it. */
export const configHelp = `the project file naming the definitions (default: the nearest ${configFileName} in this folder or a parent)`
