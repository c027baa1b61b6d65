import { basename } from 'node:path'
import { errorLocation } from '@steward/engine'
import { isStewardError } from '@steward/kernel'
import { formatProblem, isDefinitionError } from '@steward/pipelines'
import { redactSecrets } from '../../output/report-error.ts'
import type { ReloadProblem } from './dev-loop-state.ts'

/**
 * The first problem of a save that did not load, for the web UI's banner: the loader's and
 * validation's own one-line format, with the file and line they name. A definition error lists
 * every problem (the count says how many); a config that fails to import names the config and,
 * when its stack tells, the line; anything else (the database went away) is its message.
 */
export function reloadProblem(error: unknown, projectRoot: string, configFile: string): ReloadProblem {
  if (isDefinitionError(error)) {
    const [first] = error.problems
    return {
      message: first ? formatProblem(first) : error.message,
      file: first?.file || null,
      line: first?.line ?? null,
      count: Math.max(error.problems.length, 1),
    }
  }
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')
  if (isStewardError(error) && error.code.startsWith('CONFIG_')) {
    const at = errorLocation(error.cause, projectRoot)
    return { message, file: at?.file ?? basename(configFile), line: at?.line ?? null, count: 1 }
  }
  // A StewardError's message is written for people; anything else may quote a URL with its password.
  return {
    message: isStewardError(error) ? message : redactSecrets(message),
    file: null,
    line: null,
    count: 1,
  }
}
