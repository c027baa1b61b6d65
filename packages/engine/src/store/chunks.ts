/**
 * Rows per multi-row insert: PostgreSQL takes at most 65,535 parameters per statement, so a batch of
 * log lines or a backfill's runs is written in slices of this many rows.
 */
export const rowsPerInsert = 1000

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size = rowsPerInsert): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
