import {
  checkAuthSettingsAtStart,
  isNodeServer,
  isProductionServer,
  refuseToStartWithoutUsageSalt,
} from '../env.ts'

/**
 * The server's start (instrumentation.ts): settings a production server cannot do without, then
 * the background work: the usage folder (events this server stored are counted into the rollups)
 * and the page figures that are slow to read cold.
 */
export async function startServer(): Promise<void> {
  refuseToStartWithoutUsageSalt()
  checkAuthSettingsAtStart()
  if (isNodeServer()) (await import('./usage/fold-usage.ts')).foldUsageInBackground()
  if (isProductionServer()) (await import('./cache/warm-page-figures.ts')).warmPageFigures()
}
