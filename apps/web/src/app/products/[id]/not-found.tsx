import Link from 'next/link'

/** An unknown product id: say so, and where the known ones are listed. */
export default function ProductNotFound() {
  return (
    <section className="message-page">
      <p className="message-page__code">404</p>
      <h1>No such product</h1>
      <p>
        No data product with this id has ever been deployed. Product ids look like{' '}
        <code>weekly-signup-funnel</code>; the catalog lists every product, archived ones aside.
      </p>
      <div className="message-page__actions">
        <Link href="/" className="button button--primary">
          Go to the catalog
        </Link>
      </div>
    </section>
  )
}
