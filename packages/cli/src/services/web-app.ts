import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Environment } from '@steward/config'
import { cliError } from '../errors.ts'
import { repoPaths } from '../paths.ts'
import { type SupervisedProcess, startProcess } from './supervised-process.ts'

export interface WebAppOptions {
  port: number
  /** The complete environment of the child: DATABASE_URL, REDIS_URL, PORT, STEWARD_HOME… */
  env: Environment
  onLine: (line: string, stream: 'stdout' | 'stderr') => void
}

/** Starts the web UI and HTTP API (`next dev` in apps/web) as a supervised child. */
export function startWebApp(options: WebAppOptions): SupervisedProcess {
  if (!existsSync(join(repoPaths.webApp, 'package.json'))) {
    throw cliError(
      'WEB_APP_MISSING',
      `the web app is not at ${repoPaths.webApp}: run steward dev from a Steward checkout, or pass --no-web`,
    )
  }
  if (!existsSync(repoPaths.nextBin)) {
    throw cliError(
      'WEB_APP_MISSING',
      `Next.js is not installed (${repoPaths.nextBin} is missing): run npm install in ${repoPaths.root}, or pass --no-web`,
    )
  }
  // Run by this Node, not by the `#!/usr/bin/env node` line, so both use the same version.
  return startProcess({
    name: 'web',
    command: process.execPath,
    args: [repoPaths.nextBin, 'dev', '--port', String(options.port)],
    cwd: repoPaths.webApp,
    env: options.env,
    onLine: options.onLine,
  })
}
