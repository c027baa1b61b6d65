import type { Service } from './service.ts'

export interface DevWorkerContext {
  /** The project file naming the definitions (steward.config.ts), resolved from the working folder. */
  configFile: string
  /** The database URL the worker would connect to (the embedded server's, in dev). */
  databaseUrl: string
  redisUrl: string
  home: string
  log: (line: string) => void
}

export interface DevWorker {
  /** Watched like the web app once it exists; undefined while nothing runs. */
  service: Service | undefined
  /** One line for the banner. */
  status: string
}

/**
 * The worker `steward dev` runs beside the web app. The pipelines engine (@steward/pipelines)
 * arrives in another issue; it will start here, as a supervised child or an in-process service
 * that `steward dev` stops with the rest.
 */
export async function startDevWorker(context: DevWorkerContext): Promise<DevWorker> {
  const status = 'not started — the pipelines engine is not built yet'
  context.log(`worker: ${status}`)
  return { service: undefined, status }
}
