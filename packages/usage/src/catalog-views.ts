import { type RawBuilder, sql } from 'kysely'

/**
 * The kind of a visit to a product's page in Steward's own UI (a catalog view). Owners open their
 * own product's page to look at runs and alerts, which says nothing about whether anyone uses the
 * data: such visits are counted apart (in `usage_daily` under this kind), never as users (the
 * actor rollups leave them out), and the figures and rules that judge use (unused, usage-drop,
 * zombies, events, users) do not count them unless asked.
 */
export const catalogViewKind = 'catalog_view'

/** SQL: the usage kind `kind` (a column or value) is real use, not a catalog view. */
export function isRealUse(kind: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`${kind} <> ${sql.lit(catalogViewKind)}`
}
