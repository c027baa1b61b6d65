import type { Route } from 'next'
import Link from 'next/link'

/** Where this page sits: Catalog › product › pipeline › run. The last item is the page itself. */
export function Breadcrumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumbs">
      <ol>
        {items.map((item, index) => (
          <li key={`${item.href ?? ''}:${item.label}`}>
            {item.href && index < items.length - 1 ? (
              <Link href={item.href as Route}>{item.label}</Link>
            ) : (
              <span aria-current="page">{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  )
}
