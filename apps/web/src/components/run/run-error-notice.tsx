import type { RunDetail } from '#server/queries/get-run-detail.ts'

/** Why the run failed or was cancelled: the error's message and code. */
export function RunErrorNotice({
  status,
  error,
}: {
  status: RunDetail['status']
  error: NonNullable<RunDetail['error']>
}) {
  return (
    <section className="notice notice--danger" aria-labelledby="run-error-title">
      <h2 id="run-error-title">{status === 'cancelled' ? 'Cancelled' : 'Failed'}</h2>
      <p>
        {error.message}
        {error.code ? (
          <>
            {' '}
            <code>{error.code}</code>
          </>
        ) : null}
      </p>
    </section>
  )
}
