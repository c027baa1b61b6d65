import type { PortfolioEntry } from '@steward/usage'
import type { Metadata, Route } from 'next'
import Link from 'next/link'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { OwnerList } from '#components/owner-list.tsx'
import { PageHeader } from '#components/page-header.tsx'
import { Pagination } from '#components/pagination.tsx'
import { PortfolioScatter, type UsageMeasure } from '#components/portfolio-scatter.tsx'
import { TierBadge } from '#components/tier-badge.tsx'
import { formatCost, formatUsd, noun } from '#lib/format.ts'
import { getPortfolio, type Portfolio } from '#server/queries/get-portfolio.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Portfolio' }

type SearchParams = Record<string, string | string[] | undefined>

/** Rows of the table a page: the chart has every product already, and each page stays light. */
const tableRows = 25

export default async function PortfolioPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams
  const measure: UsageMeasure = params.usage === 'events' ? 'events' : 'users'
  const rawPage = Number.parseInt(String(params.page ?? ''), 10)
  const page = Number.isFinite(rawPage) && rawPage >= 1 ? Math.min(rawPage, 10_000) : 1
  const read = await readDatabase((db) => getPortfolio(db))
  return (
    <>
      <PageHeader
        title="Portfolio"
        description="What each data product costs against how much it is used, over the last 30 days."
        aside={
          read.ok && read.value.entries.length > 0 ? <PortfolioStats portfolio={read.value} /> : undefined
        }
      />
      {!read.ok ? (
        <DatabaseProblemNotice problem={read.problem} />
      ) : read.value.entries.length === 0 ? (
        <section className="card empty" aria-labelledby="portfolio-empty-title">
          <div className="empty__intro">
            <h2 id="portfolio-empty-title">No data products yet</h2>
            <p>
              The portfolio compares products once they are deployed: define one in code and run{' '}
              <code>steward deploy</code>. <Link href="/">The catalog</Link> shows how.
            </p>
          </div>
        </section>
      ) : (
        <div className="portfolio-stack">
          <section className="card panel" aria-labelledby="scatter-heading">
            <div className="panel__header">
              <h2 id="scatter-heading" className="panel__title">
                Usage against cost <span className="panel__count">{read.value.entries.length}</span>
              </h2>
              <nav className="segmented" aria-label="Usage measure">
                <MeasureLink measure="users" current={measure} page={page}>
                  Unique users
                </MeasureLink>
                <MeasureLink measure="events" current={measure} page={page}>
                  Events
                </MeasureLink>
              </nav>
            </div>
            <PortfolioScatter entries={read.value.entries} measure={measure} />
          </section>
          <ZombieList zombies={read.value.zombies} />
          <PortfolioTable entries={read.value.entries} page={page} measure={measure} />
        </div>
      )}
    </>
  )
}

function MeasureLink({
  measure,
  current,
  page,
  children,
}: {
  measure: UsageMeasure
  current: UsageMeasure
  page: number
  children: string
}) {
  const href = portfolioHref(measure, page) as Route
  return (
    <Link href={href} className="segmented__item" aria-current={measure === current ? 'true' : undefined}>
      {children}
    </Link>
  )
}

/** The portfolio's URL for a usage measure and a page of the table; defaults left out. */
function portfolioHref(measure: UsageMeasure, page: number): string {
  const query = new URLSearchParams()
  if (measure === 'events') query.set('usage', 'events')
  if (page > 1) query.set('page', String(page))
  return `/portfolio${query.size > 0 ? `?${query}` : ''}`
}

function PortfolioStats({ portfolio }: { portfolio: Portfolio }) {
  const cost = portfolio.entries.reduce((sum, e) => sum + e.current.costUsd, 0)
  const zombieCost = portfolio.zombies.reduce((sum, z) => sum + z.cost30dUsd, 0)
  return (
    <dl className="stats" aria-label="Portfolio summary">
      <div>
        <dt>{noun(portfolio.entries.length, 'product')}</dt>
        <dd>{portfolio.entries.length}</dd>
      </div>
      <div>
        <dt>cost, 30 days</dt>
        <dd>{formatUsd(Math.round(cost))}</dd>
      </div>
      <div>
        <dt>{noun(portfolio.zombies.length, 'zombie')}</dt>
        <dd>
          {portfolio.zombies.length}
          {zombieCost > 0 ? (
            <span className="stats__aside"> · {formatUsd(Math.round(zombieCost))}</span>
          ) : null}
        </dd>
      </div>
    </dl>
  )
}

function ZombieList({ zombies }: { zombies: Portfolio['zombies'] }) {
  return (
    <section className="card panel" aria-labelledby="zombies-title">
      <h2 id="zombies-title" className="panel__title">
        Zombies: no use in 30 days <span className="panel__count">{zombies.length}</span>
      </h2>
      {zombies.length === 0 ? (
        <p className="muted">Every product older than 30 days was used in the last 30. Nothing to retire.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table data-table--compact">
            <caption className="visually-hidden">
              Products nobody used in 30 days, with what they cost a month and who owns them
            </caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Owners</th>
                <th scope="col">Last used</th>
                <th scope="col" className="numeric">
                  Cost / month
                </th>
              </tr>
            </thead>
            <tbody>
              {zombies.map((z) => (
                <tr key={z.id}>
                  <td className="product">
                    <ProductLink id={z.id} name={z.name} />
                  </td>
                  <td data-label="Owners">
                    <OwnerList owners={z.owners} />
                  </td>
                  <td data-label="Last used">{z.lastUsedDay ?? <span className="muted">never</span>}</td>
                  <td data-label="Cost / month" className="numeric">
                    {formatCost(z.cost30dUsd)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function PortfolioTable({
  entries,
  page,
  measure,
}: {
  entries: PortfolioEntry[]
  page: number
  measure: UsageMeasure
}) {
  const pages = Math.max(1, Math.ceil(entries.length / tableRows))
  const shown = Math.min(page, pages)
  const rows = entries.slice((shown - 1) * tableRows, shown * tableRows)
  return (
    <section className="card panel" aria-labelledby="portfolio-table-title">
      <h2 id="portfolio-table-title" className="panel__title">
        Every product, most expensive first <span className="panel__count">{entries.length}</span>
      </h2>
      <div className="table-scroll">
        <table className="data-table data-table--compact portfolio-table">
          <caption className="visually-hidden">
            Usage and cost of each product over the last 30 days, with the change from the 30 days before
          </caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" className="numeric">
                Users
              </th>
              <th scope="col" className="numeric">
                Events
              </th>
              <th scope="col" className="numeric">
                Cost
              </th>
              <th scope="col" className="numeric">
                Cost / user
              </th>
              <th scope="col" className="numeric">
                Users vs prev.
              </th>
              <th scope="col" className="numeric">
                Cost vs prev.
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td className="product">
                  <ProductLink id={e.id} name={e.name} />
                  {e.tier ? <TierBadge tier={e.tier} /> : null}
                </td>
                <td data-label="Users" className="numeric">
                  {e.current.users.toLocaleString('en-US')}
                </td>
                <td data-label="Events" className="numeric">
                  {e.current.events.toLocaleString('en-US')}
                </td>
                <td data-label="Cost" className="numeric">
                  {formatCost(e.current.costUsd)}
                </td>
                <td data-label="Cost / user" className="numeric">
                  {e.current.costPerUserUsd === null ? '—' : formatCost(e.current.costPerUserUsd)}
                </td>
                <td data-label="Users vs prev." className="numeric">
                  <Trend change={e.usersTrend} good="up" />
                </td>
                <td data-label="Cost vs prev." className="numeric">
                  <Trend change={e.costTrend} good="down" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination
        page={shown}
        pages={pages}
        hrefOf={(n) => portfolioHref(measure, n)}
        label="Pages of the table"
      />
    </section>
  )
}

/** A change from the previous 30 days: arrow, percentage, and whether that direction is good news. */
function Trend({ change, good }: { change: number | null; good: 'up' | 'down' }) {
  if (change === null)
    return (
      <span className="muted" title="Nothing in the previous 30 days">
        new
      </span>
    )
  const percent = Math.round(change * 100)
  if (percent === 0) return <span className="trend">±0%</span>
  const direction = percent > 0 ? 'up' : 'down'
  return (
    <span className="trend" data-trend={direction === good ? 'good' : 'bad'}>
      <span aria-hidden="true">{direction === 'up' ? '▲' : '▼'}</span>
      <span className="visually-hidden">{direction === 'up' ? 'up' : 'down'}</span> {Math.abs(percent)}%
    </span>
  )
}

function ProductLink({ id, name }: { id: string; name: string }) {
  return (
    <Link href={`/products/${encodeURIComponent(id)}` as Route} className="product__name">
      {name}
    </Link>
  )
}
