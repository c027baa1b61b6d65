import { type AuditRow, auditActions, listAudit } from '@steward/db'
import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { PageHeader } from '#components/page-header.tsx'
import { formatInstant } from '#lib/format.ts'
import { type AuditQuery, auditActorKinds, parseAuditQuery } from '#server/audit/audit-query.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Audit log' }

type SearchParams = Record<string, string | string[] | undefined>

const filterNames = ['action', 'actorKind', 'actor', 'product', 'since', 'until'] as const

/**
 * /settings/audit: every action that changed something (deploys, runs, cancels, retries,
 * backfills, acknowledgements, snoozes, schedule pauses, tokens, consumer labels), newest first,
 * filtered by a GET form (the URL can be shared) and paged by the last row's id.
 */
export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams
  const parsed = parseAuditQuery((name) => {
    const value = params[name]
    return typeof value === 'string' ? value : undefined
  })
  const query: AuditQuery = parsed.ok ? parsed.query : { filter: {}, before: undefined, limit: 50 }
  const read = parsed.ok
    ? await readDatabase((db) => listAudit(db, query.filter, { before: query.before, limit: query.limit }))
    : undefined
  const current = Object.fromEntries(
    filterNames.flatMap((name) => (typeof params[name] === 'string' ? [[name, params[name]]] : [])),
  ) as Record<(typeof filterNames)[number], string | undefined>
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, when and from where: deploys, runs, cancels, retries, backfills, acknowledgements, snoozes, schedule pauses, API tokens and consumer labels."
      />
      <div className="alerts-stack">
        <FilterForm current={current} />
        {!parsed.ok ? (
          <p className="notice notice--danger" role="alert">
            {parsed.message}
          </p>
        ) : read && !read.ok ? (
          <DatabaseProblemNotice problem={read.problem} />
        ) : read?.ok ? (
          <section className="card panel" aria-labelledby="audit-title">
            <h2 id="audit-title" className="panel__title">
              Actions
            </h2>
            {read.value.rows.length === 0 ? (
              <p className="muted">
                {query.before ? 'No older actions.' : 'No action matches.'} Every change made in the UI, the
                API, the CLI or Slack is listed here.
              </p>
            ) : (
              <AuditTable rows={read.value.rows} />
            )}
            <nav className="pager" aria-label="Audit pages">
              {query.before ? (
                <Link href={auditHref(current) as Route} className="button">
                  Newest
                </Link>
              ) : (
                <span />
              )}
              {read.value.next ? (
                <Link href={auditHref(current, read.value.next) as Route} rel="next" className="button">
                  Older
                </Link>
              ) : (
                <span />
              )}
            </nav>
          </section>
        ) : null}
      </div>
    </>
  )
}

function auditHref(current: Record<string, string | undefined>, before?: string): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(current)) if (value) search.set(name, value)
  if (before) search.set('before', before)
  const text = search.toString()
  return text ? `/settings/audit?${text}` : '/settings/audit'
}

function FilterForm({ current }: { current: Record<(typeof filterNames)[number], string | undefined> }) {
  return (
    <form className="filters card" method="get" action="/settings/audit" aria-label="Filter the audit log">
      <label className="filters__field">
        <span>Action</span>
        <select name="action" defaultValue={current.action ?? ''} className="input">
          <option value="">Any action</option>
          {auditActions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span>By</span>
        <select name="actorKind" defaultValue={current.actorKind ?? ''} className="input">
          <option value="">Anyone</option>
          {auditActorKinds.map((kind) => (
            <option key={kind} value={kind}>
              {kind}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span>Who</span>
        <input
          name="actor"
          defaultValue={current.actor ?? ''}
          className="input"
          placeholder="e-mail, token, user"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <label className="filters__field">
        <span>Product</span>
        <input
          name="product"
          defaultValue={current.product ?? ''}
          className="input"
          placeholder="Any product (id)"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <label className="filters__field">
        <span>Since</span>
        <input name="since" type="date" defaultValue={current.since ?? ''} className="input" />
      </label>
      <button type="submit" className="button">
        Filter
      </button>
      {Object.values(current).some(Boolean) ? (
        <Link href="/settings/audit" className="filters__reset">
          Clear
        </Link>
      ) : null}
    </form>
  )
}

/** Text from the log is rendered as text (React escapes it); details are cut for the table. */
function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <div className="table-scroll-x">
      <table className="data-table data-table--compact audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Product</th>
            <th scope="col">From</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td className="nowrap">{formatInstant(row.at)}</td>
              <td>
                {row.actor}{' '}
                <span className="muted">
                  ({row.actor_kind}, {row.via})
                </span>
              </td>
              <td>
                <code>{row.action}</code>
              </td>
              <td>
                <TargetLink kind={row.target_kind} id={row.target_id} />
              </td>
              <td>
                {row.product_id ? (
                  <Link href={`/products/${encodeURIComponent(row.product_id)}` as Route}>
                    {row.product_id}
                  </Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="muted">{row.source ?? '—'}</td>
              <td>
                <code className="audit-table__details">{detailsText(row.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function TargetLink({ kind, id }: { kind: string; id: string }) {
  const href =
    kind === 'run'
      ? `/runs/${encodeURIComponent(id)}`
      : kind === 'pipeline'
        ? `/pipelines/${encodeURIComponent(id)}`
        : kind === 'product'
          ? `/products/${encodeURIComponent(id)}`
          : undefined
  const label = `${kind} ${id}`
  return href ? <Link href={href as Route}>{label}</Link> : <span>{label}</span>
}

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details)
  if (text === '{}') return ''
  return text.length > 240 ? `${text.slice(0, 239)}…` : text
}
