import { defaultLedgerDays, flapWindowMinutes, type LedgerLine, tuneMinIncidents } from '@steward/alerts'
import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { AlertLedger } from '#components/alert-ledger.tsx'
import { CodeBlock } from '#components/code-block.tsx'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { IncidentItem } from '#components/incident-item.tsx'
import { PageHeader } from '#components/page-header.tsx'
import {
  type AlertsFilter,
  alertsHref,
  historyPageSize,
  openPageSize,
  parseAlertsFilter,
} from '#lib/alerts-filter.ts'
import { getAlertLedger } from '#server/queries/get-alert-ledger.ts'
import { type AlertsPage, listIncidents } from '#server/queries/list-incidents.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Alerts' }

type SearchParams = Record<string, string | string[] | undefined>

const outcomes: Record<string, { text: string; danger?: boolean }> = {
  acked: { text: 'Acknowledged: no more reminders; it stays open until its rule sees the problem gone.' },
  snoozed: { text: 'Snoozed: no follow-ups or reminders until then. Its resolution still shows.' },
  gone: { text: 'That incident is no longer open: it was resolved meanwhile.' },
  failed: { text: 'That did not work; the server log says why.', danger: true },
  forbidden: {
    text: "Only the product's owners and admins can acknowledge or snooze its incidents.",
    danger: true,
  },
}

export default async function AlertsPageView({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams
  const filter = parseAlertsFilter(params)
  const now = new Date()
  const read = await readDatabase(async (db) => {
    const [page, ledger] = await Promise.all([listIncidents(db, filter), getAlertLedger(db, filter.product)])
    return { ...page, ledger }
  })
  const done = typeof params.done === 'string' ? outcomes[params.done] : undefined
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Incidents opened by the alert rules declared in code, and every Slack message about them."
        aside={read.ok && read.value.anyIncident ? <AlertStats page={read.value} /> : undefined}
      />
      {done ? (
        <p className={`notice alerts__outcome${done.danger ? ' notice--danger' : ''}`} role="status">
          {done.text}
        </p>
      ) : null}
      {!read.ok ? (
        <DatabaseProblemNotice problem={read.problem} />
      ) : !read.value.anyIncident ? (
        <AlertsEmpty />
      ) : (
        <div className="alerts-stack">
          <FilterForm filter={filter} products={read.value.products} />
          {filter.status !== 'resolved' ? (
            <OpenIncidents page={read.value} filter={filter} now={now} />
          ) : null}
          <LedgerSection lines={read.value.ledger} filter={filter} />
          {filter.status !== 'open' ? <History page={read.value} filter={filter} now={now} /> : null}
        </div>
      )}
    </>
  )
}

function AlertStats({ page }: { page: AlertsPage }) {
  const unacked = page.open.filter((i) => !i.ackedAt).length
  return (
    <dl className="stats" aria-label="Alerts summary">
      <div>
        <dt>open</dt>
        <dd>{page.openCount}</dd>
      </div>
      <div>
        <dt>unacknowledged</dt>
        <dd>{unacked}</dd>
      </div>
      <div>
        <dt>resolved</dt>
        <dd>{page.historyCount}</dd>
      </div>
    </dl>
  )
}

/** A GET form: the filter lives in the URL, works without JS, and the URL can be shared. */
function FilterForm({ filter, products }: { filter: AlertsFilter; products: AlertsPage['products'] }) {
  return (
    <form className="filters card" method="get" action="/alerts" aria-label="Filter incidents">
      <label className="filters__field">
        <span>Product</span>
        <input
          name="product"
          defaultValue={filter.product ?? ''}
          className="input"
          list="alert-products"
          placeholder="Any product (id)"
          autoComplete="off"
          spellCheck={false}
        />
        <datalist id="alert-products">
          {products.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </datalist>
      </label>
      <label className="filters__field">
        <span>Status</span>
        <select name="status" defaultValue={filter.status} className="input">
          <option value="all">Open and resolved</option>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
        </select>
      </label>
      <button type="submit" className="button">
        Filter
      </button>
      {filter.product || filter.status !== 'all' ? (
        <Link href="/alerts" className="filters__reset">
          Clear
        </Link>
      ) : null}
    </form>
  )
}

function OpenIncidents({ page, filter, now }: { page: AlertsPage; filter: AlertsFilter; now: Date }) {
  const returnTo = alertsHref(filter)
  return (
    <section className="card panel" aria-labelledby="open-title">
      <h2 id="open-title" className="panel__title">
        Open incidents <span className="panel__count">{page.openCount}</span>
      </h2>
      {page.open.length === 0 ? (
        <p className="muted">Nothing is firing{filter.product ? ' for this product' : ''}. </p>
      ) : (
        <div className="incidents">
          {page.open.map((incident) => (
            <IncidentItem
              key={incident.id}
              incident={incident}
              now={now}
              returnTo={returnTo}
              canSend={page.canSend}
            />
          ))}
        </div>
      )}
      {page.openCount > openPageSize ? (
        <Pager
          label="Pages of open incidents"
          page={filter.openPage ?? 1}
          pageSize={openPageSize}
          shown={page.open.length}
          total={page.openCount}
          hrefOf={(n) => alertsHref(filter, { openPage: n })}
          words={['Previous', 'Next']}
        />
      ) : null}
    </section>
  )
}

/** Links to the page before and after, around "21–40 of 120 · page 2 of 6". */
function Pager({
  label,
  page,
  pageSize,
  shown,
  total,
  hrefOf,
  words = ['Newer', 'Older'],
}: {
  label: string
  words?: readonly [string, string]
  page: number
  pageSize: number
  shown: number
  total: number
  hrefOf: (page: number) => string
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize))
  const from = (page - 1) * pageSize + 1
  const to = from + shown - 1
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <Link href={hrefOf(page - 1) as Route} rel="prev" className="button">
          {words[0]}
        </Link>
      ) : (
        <span />
      )}
      <span className="muted">
        {shown > 0 ? `${from}–${to} of ${total}` : `page ${page}`} · page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={hrefOf(page + 1) as Route} rel="next" className="button">
          {words[1]}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  )
}

function History({ page, filter, now }: { page: AlertsPage; filter: AlertsFilter; now: Date }) {
  return (
    <section className="card panel" aria-labelledby="history-title">
      <h2 id="history-title" className="panel__title">
        History <span className="panel__count">{page.historyCount}</span>
      </h2>
      {page.history.length === 0 ? (
        <p className="muted">
          {filter.page > 1 ? 'No incidents on this page.' : 'No resolved incident yet.'}
        </p>
      ) : (
        <div className="incidents incidents--history">
          {page.history.map((incident) => (
            <IncidentItem
              key={incident.id}
              incident={incident}
              now={now}
              returnTo={alertsHref(filter)}
              canSend={page.canSend}
            />
          ))}
        </div>
      )}
      {page.historyCount > historyPageSize ? (
        <Pager
          label="History pages"
          page={filter.page}
          pageSize={historyPageSize}
          shown={page.history.length}
          total={page.historyCount}
          hrefOf={(n) => alertsHref(filter, { page: n })}
        />
      ) : null}
    </section>
  )
}

/**
 * Ledger lines shown on the page, noisiest first: with thousands of rules a whole ledger would be
 * megabytes of HTML. One product's filter, or GET /api/v1/alerts/ledger, has every line.
 */
const ledgerLimit = 25

/** The ledger of the last days: which rules are worth their messages, and which to tune. */
function LedgerSection({ lines, filter }: { lines: LedgerLine[]; filter: AlertsFilter }) {
  const tune = lines.filter((line) => line.tuneCandidate).length
  const shown = filter.product ? lines : lines.slice(0, ledgerLimit)
  return (
    <section className="card panel" aria-labelledby="ledger-title">
      <h2 id="ledger-title" className="panel__title">
        Ledger <span className="muted">· last {defaultLedgerDays} days</span>
        {tune > 0 ? (
          <>
            {' '}
            <span className="tag tag--snoozed">{tune} to tune</span>
          </>
        ) : null}
      </h2>
      {lines.length === 0 ? (
        <p className="muted">
          No incident and no message in the last {defaultLedgerDays} days
          {filter.product ? ' for this product' : ''}.
        </p>
      ) : (
        <>
          <AlertLedger lines={shown} days={defaultLedgerDays} showProduct={!filter.product} />
          {shown.length < lines.length ? (
            <p className="panel__footnote muted">
              The {shown.length} noisiest of {lines.length} lines. Filter by product to see all of its lines,
              or read every line from <code>GET /api/v1/alerts/ledger</code>.
            </p>
          ) : null}
          <p className="panel__footnote muted">
            Flapping: resolved by itself within {flapWindowMinutes} minutes, nobody acknowledging or snoozing
            it. Noise: the flapping share × the messages sent, about how many messages were about nothing. A
            rule marked <em>tune</em> flapped in most of its incidents (at least {tuneMinIncidents}).
          </p>
        </>
      )}
    </section>
  )
}

/** No incident ever: say where alerts come from and how to declare one. */
function AlertsEmpty() {
  return (
    <section className="card empty" aria-labelledby="alerts-empty-title">
      <div className="empty__intro">
        <h2 id="alerts-empty-title">No alerts yet</h2>
        <p>
          Alerts come from rules declared in code beside a product or pipeline: a failed run, a late or stale
          product, a volume drop, a budget crossed. When one fires it opens an incident here and posts to the
          owners&apos; Slack channel.
        </p>
      </div>
      <CodeBlock
        label="pipelines/signup-funnel.ts"
        code={`import { definePipeline, onFailure, runTooLong } from '@steward/pipelines'

export const build = definePipeline({
  id: 'signup-funnel.build',
  // …product, steps, schedule…
  alerts: [onFailure(), runTooLong({ over: '30m', severity: 'warning' })],
})`}
      />
      <p className="alerts__docs">
        Every rule and its options: <code>docs/recipes/add-an-alert-rule.md</code> in the Steward repository.
        Then <code>steward deploy</code> (or <code>steward dev</code>) and the rules are watched. Without a
        Slack token, notifications are still recorded: this page shows what would have been sent.
      </p>
    </section>
  )
}
