import Link from 'next/link'

/** An unknown pipeline id: say so, and where the known ones are listed. */
export default function PipelineNotFound() {
  return (
    <section className="message-page">
      <p className="message-page__code">404</p>
      <h1>No such pipeline</h1>
      <p>
        No pipeline with this id has ever been deployed. Pipeline ids look like{' '}
        <code>signup-funnel.weekly</code>; every product in the catalog lists its pipelines, and{' '}
        <code>steward list</code> prints them.
      </p>
      <div className="message-page__actions">
        <Link href="/" className="button button--primary">
          Go to the catalog
        </Link>
      </div>
    </section>
  )
}
