import type { DatabaseProblem } from '../server/read-database.ts'

/** Shown in place of a page's data when the database is not there yet, with the one thing to do. */
export function DatabaseProblemNotice({ problem }: { problem: DatabaseProblem }) {
  if (problem.code === 'DATABASE_NOT_MIGRATED') {
    return (
      <section className="notice" role="alert">
        <h2>
          Database not migrated: run <code>steward dev</code>
        </h2>
        <p>
          The database at <code>{problem.where}</code> has no Steward tables yet, or only older ones. The web
          app only reads: <code>steward dev</code> migrates the database when it starts, and{' '}
          <code>steward migrate</code> does only that.
        </p>
      </section>
    )
  }
  if (problem.code === 'SETTINGS_INVALID') {
    return (
      <section className="notice notice--danger" role="alert">
        <h2>A setting needs fixing</h2>
        <p>{problem.message}</p>
        <p>Settings come from the environment of the web server; restart it after the change.</p>
      </section>
    )
  }
  return (
    <section className="notice notice--danger" role="alert">
      <h2>Cannot reach the database</h2>
      <p>{problem.message}</p>
      <p>
        Start everything with <code>steward dev</code>, or set <code>DATABASE_URL</code> to a running
        PostgreSQL. <a href="/api/health">/api/health</a> shows what answers.
      </p>
    </section>
  )
}
