'use client'

/**
 * The body of both error boundaries. Production errors from the server reach the browser as a
 * generic message and a `digest`; the digest is what the server log prints next to the real
 * error, so the page shows it as a reference and never the message or a stack.
 */
export function ErrorMessage({ error, retry }: { error: unknown; retry: () => void }) {
  const digest =
    typeof error === 'object' && error !== null && 'digest' in error && typeof error.digest === 'string'
      ? error.digest
      : undefined
  return (
    <section className="message-page" role="alert">
      <p className="message-page__code">Error</p>
      <h1>Something went wrong</h1>
      <p>
        This page could not be shown. Trying again often helps when a service was just starting; if it keeps
        happening, the server log has the details
        {digest ? (
          <>
            {' '}
            under reference <code>{digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="message-page__actions">
        <button type="button" className="button button--primary" onClick={() => retry()}>
          Try again
        </button>
        {/* A plain link, not next/link: a full load also recovers from a broken client state. */}
        <a href="/" className="button">
          Go to the catalog
        </a>
      </div>
    </section>
  )
}
