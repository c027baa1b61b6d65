import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { cliError } from './errors.ts'

/** This package's version: its manifest is one folder up from src/ in the workspace and from dist/ installed. */
export const cliVersion = (createRequire(import.meta.url)('../package.json') as { version: string }).version

/**
 * The CLI runs a project's definitions with its own engine, built against the SDK of its own
 * release: a project that installed another version of `@steward/pipelines` would be read by rules
 * it was not written for. Names both versions; silent when the project's SDK cannot be found
 * (loading the definitions then says what is missing).
 */
export function assertSdkMatches(configFile: string): void {
  let manifestPath: string
  try {
    manifestPath = createRequire(configFile).resolve('@steward/pipelines/package.json')
  } catch {
    return
  }
  const sdk = createRequire(import.meta.url)(manifestPath) as { version: string }
  if (sdk.version === cliVersion) return
  throw cliError(
    'SDK_VERSION_MISMATCH',
    `this project has @steward/pipelines ${sdk.version} (${dirname(manifestPath)}) but steward is ${cliVersion}: install the same version of both (npm install steward@${sdk.version}, or @steward/pipelines@${cliVersion})`,
  )
}
