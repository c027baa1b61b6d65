import type { Metadata } from 'next'
import Link from 'next/link'

export const metadata: Metadata = { title: 'Page not found · Steward' }

/** Unknown URLs and `notFound()` calls: say so plainly and point back to what exists. */
export default function NotFound() {
  return (
    <section className="message-page">
      <p className="message-page__code">404</p>
      <h1>Page not found</h1>
      <p>
        There is no page at this address. It may have moved, or the product or pipeline it showed may have
        been removed from code and archived.
      </p>
      <div className="message-page__actions">
        <Link href="/" className="button button--primary">
          Go to the catalog
        </Link>
        <a href="/api/health" className="button">
          Check health
        </a>
      </div>
    </section>
  )
}
