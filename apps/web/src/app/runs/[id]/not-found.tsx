import Link from 'next/link'

/** An unknown run id. */
export default function RunNotFound() {
  return (
    <section className="message-page">
      <p className="message-page__code">404</p>
      <h1>No such run</h1>
      <p>
        There is no run with this id. Run ids are UUIDs; each pipeline page lists its recent runs with links
        to them.
      </p>
      <div className="message-page__actions">
        <Link href="/" className="button button--primary">
          Go to the catalog
        </Link>
      </div>
    </section>
  )
}
