import type { Route } from 'next'
import Link from 'next/link'

/**
 * Page links (the catalog, the portfolio's table); only when there is more than one page.
 * `hrefOf` gives a page's URL, keeping whatever else the page's query string holds.
 */
export function Pagination({
  page,
  pages,
  hrefOf,
  label = 'Pages',
}: {
  page: number
  pages: number
  hrefOf: (page: number) => string
  label?: string
}) {
  if (pages <= 1) return null
  // First, last, and two either side of the current page; gaps shown as an ellipsis.
  const shown = [...new Set([1, page - 2, page - 1, page, page + 1, page + 2, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b)
  return (
    <nav className="pagination" aria-label={label}>
      {page > 1 ? (
        <Link href={hrefOf(page - 1) as Route} rel="prev">
          ← Previous
        </Link>
      ) : null}
      <ol>
        {shown.map((n, index) => (
          <li key={n}>
            {index > 0 && n - (shown[index - 1] ?? n) > 1 ? <span className="muted">…</span> : null}
            {n === page ? <span aria-current="page">{n}</span> : <Link href={hrefOf(n) as Route}>{n}</Link>}
          </li>
        ))}
      </ol>
      {page < pages ? (
        <Link href={hrefOf(page + 1) as Route} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  )
}
