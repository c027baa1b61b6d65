import type { Route } from 'next'
import Link from 'next/link'
import { type CatalogQuery, catalogHref } from '../lib/catalog-query.ts'

/** Page links that keep the filters and sort; only when there is more than one page. */
export function CatalogPagination({
  query,
  page,
  pages,
}: {
  query: CatalogQuery
  page: number
  pages: number
}) {
  if (pages <= 1) return null
  // First, last, and two either side of the current page; gaps shown as an ellipsis.
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b)
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? (
        <Link href={catalogHref(query, { page: page - 1 }) as Route} rel="prev">
          ← Previous
        </Link>
      ) : null}
      <ol>
        {shown.map((n, index) => (
          <li key={n}>
            {index > 0 && n - (shown[index - 1] ?? n) > 1 ? <span className="muted">…</span> : null}
            {n === page ? (
              <span aria-current="page">{n}</span>
            ) : (
              <Link href={catalogHref(query, { page: n }) as Route}>{n}</Link>
            )}
          </li>
        ))}
      </ol>
      {page < pages ? (
        <Link href={catalogHref(query, { page: page + 1 }) as Route} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  )
}
