import { alertLedger, defaultLedgerDays, type LedgerLine } from '@steward/alerts'
import { staleWhileRevalidate } from '../cache/stale-while-revalidate.ts'
import type { Db } from '../read-database.ts'

/** How old the every-product ledger on `/alerts` may be: 30 days of figures, read at most twice a minute. */
const everyProductMaxAgeMs = 30_000

/**
 * The ledger of the last 30 days for `/alerts`. One product's goes through its indexes and is read
 * each time; every product's reads the window of both tables, so it is kept up to 30 seconds
 * (served at once, refreshed in the background).
 */
export function getAlertLedger(db: Db, productId: string | undefined): Promise<LedgerLine[]> {
  const since = () => new Date(Date.now() - defaultLedgerDays * 86_400_000)
  if (productId) return alertLedger(db, { productId, since: since() })
  return staleWhileRevalidate('alerts:ledger', everyProductMaxAgeMs, () =>
    alertLedger(db, { since: since() }),
  )
}
