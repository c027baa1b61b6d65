import {
  checkAuthSettingsAtStart,
  isNodeServer,
  isProductionServer,
  refuseToStartWithoutUsageSalt,
} from './env.ts'

/**
 * Next.js runs this once when the server starts: settings a production server cannot do without,
 * then the background work: the usage folder (events this server stored are counted into the
 * rollups) and the page figures that are slow to read cold.
 */
export async function register(): Promise<void> {
  refuseToStartWithoutUsageSalt()
  checkAuthSettingsAtStart()
  if (isNodeServer()) (await import('./server/usage/fold-usage.ts')).foldUsageInBackground()
  if (isProductionServer()) (await import('./server/cache/warm-page-figures.ts')).warmPageFigures()
}
