import { formatInstant } from '#lib/format.ts'

/** Says that the pipeline was removed from code: its history stays, but nothing can start it. */
export function ArchivedNotice({ archivedAt }: { archivedAt: Date }) {
  return (
    <section className="notice" role="note">
      <h2>Archived</h2>
      <p>
        This pipeline was removed from code on {formatInstant(archivedAt)}. Its history stays; it cannot run.
      </p>
    </section>
  )
}
