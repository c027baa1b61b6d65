import { checkAuthSettingsAtStart, isProductionServer, refuseToStartWithoutUsageSalt } from './env.ts'

/**
 * Next.js runs this once when the server starts: settings a production server cannot do without,
 * then the page figures that are slow to read cold.
 */
export async function register(): Promise<void> {
  refuseToStartWithoutUsageSalt()
  checkAuthSettingsAtStart()
  if (isProductionServer()) (await import('./server/cache/warm-page-figures.ts')).warmPageFigures()
}
