import type { Environment } from '@steward/config'
import type { WebAppDir } from '../web/web-app-dir.ts'
import { type SupervisedProcess, startProcess } from './supervised-process.ts'

export interface WebAppOptions {
  port: number
  /** The complete environment of the child: DATABASE_URL, REDIS_URL, PORT, STEWARD_HOME… */
  env: Environment
  onLine: (line: string, stream: 'stdout' | 'stderr') => void
}

/**
 * Starts the web UI and HTTP API as a supervised child: Next's production server (`next start`)
 * over the build that `ensureWebBuild` made or the package shipped. Never the development server:
 * what a developer runs is what a team deploys.
 */
export function startWebApp(app: WebAppDir, options: WebAppOptions): SupervisedProcess {
  // Run by this Node, not by the `#!/usr/bin/env node` line, so both use the same version.
  return startProcess({
    name: 'web',
    command: process.execPath,
    args: [app.nextBin, 'start', '--port', String(options.port)],
    cwd: app.dir,
    env: { ...options.env, NODE_ENV: 'production' },
    onLine: options.onLine,
  })
}
