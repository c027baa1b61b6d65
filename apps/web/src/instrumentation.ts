import { checkAuthSettingsAtStart, refuseToStartWithoutUsageSalt } from './env.ts'

/** Next.js runs this once when the server starts: settings a production server cannot do without. */
export function register(): void {
  refuseToStartWithoutUsageSalt()
  checkAuthSettingsAtStart()
}
