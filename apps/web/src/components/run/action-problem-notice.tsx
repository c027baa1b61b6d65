/** Why a cancel or retry did nothing, by the code the server action put in the URL. */
const problems: Record<string, string> = {
  RUN_NOT_RETRYABLE: 'Only a failed or cancelled run can be retried.',
  PIPELINE_BUSY:
    'The pipeline already runs as many runs as its maxConcurrentRuns allows: retry when one ends.',
  PIPELINE_ARCHIVED: 'The pipeline was removed from code: its runs cannot be retried.',
  RUN_NOT_FOUND: 'The run no longer exists.',
  CANCEL_FAILED: 'The run could not be cancelled; the server log says why.',
  RETRY_FAILED: 'The retry could not be started; the server log says why.',
  FORBIDDEN: 'Only the owners of this data product and admins can cancel or retry its runs.',
}

/** Says why the Cancel or Retry just posted changed nothing; nothing for a code it does not know. */
export function ActionProblemNotice({ problem }: { problem: string | string[] | undefined }) {
  const problemText = typeof problem === 'string' ? problems[problem] : undefined
  if (!problemText) return null
  return (
    <section className="notice" role="alert">
      <h2>Nothing was changed</h2>
      <p>{problemText}</p>
    </section>
  )
}
