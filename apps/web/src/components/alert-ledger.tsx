import { flapWindowMinutes, type LedgerLine } from '@steward/alerts'
import type { Route } from 'next'
import Link from 'next/link'

/** Minutes as a figure that reads at a glance: 0.5 → "30 s", 9.5 → "9.5 min", 90 → "1.5 h". */
export function formatMinutes(minutes: number | null): string {
  if (minutes === null) return '—'
  if (minutes < 1) return `${Math.round(minutes * 60)} s`
  if (minutes < 60) return `${Number(minutes.toFixed(1))} min`
  if (minutes < 48 * 60) return `${Number((minutes / 60).toFixed(1))} h`
  return `${Number((minutes / 1440).toFixed(1))} d`
}

function formatShare(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`
}

/**
 * The alert ledger as a table: per (product,) rule and destination, messages sent, incidents,
 * median times to acknowledge and resolve, the share that flapped and the noise score; a rule
 * whose incidents mostly flap carries a "tune" badge. Noisiest first, as the query answers.
 */
export function AlertLedger({
  lines,
  days,
  showProduct,
}: {
  lines: readonly LedgerLine[]
  days: number
  showProduct: boolean
}) {
  return (
    <div className="table-scroll-x">
      <table className="data-table data-table--compact alert-rules alert-ledger">
        <caption className="visually-hidden">
          Alert ledger: per rule and destination, the last {days} days
        </caption>
        <thead>
          <tr>
            {showProduct ? <th scope="col">Product</th> : null}
            <th scope="col">Rule</th>
            <th scope="col">To</th>
            <th
              scope="col"
              className="numeric"
              title="Messages Slack accepted (of those written, when fewer)"
            >
              Sent
            </th>
            <th scope="col" className="numeric">
              Incidents
            </th>
            <th scope="col" className="numeric">
              Open
            </th>
            <th scope="col" className="numeric" title="Median time from opening to acknowledgement">
              To ack
            </th>
            <th scope="col" className="numeric" title="Median time from opening to resolution">
              To resolve
            </th>
            <th
              scope="col"
              className="numeric"
              title={`Incidents that resolved by themselves within ${flapWindowMinutes} minutes, nobody acting`}
            >
              Flapping
            </th>
            <th scope="col" className="numeric" title="Flapping share × messages sent">
              Noise
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((line) => (
            <tr
              key={`${line.productId}\u0000${line.ruleKey}\u0000${line.destination}`}
              data-tune={line.tuneCandidate ? 'true' : undefined}
            >
              {showProduct ? (
                <td>
                  <Link href={`/products/${encodeURIComponent(line.productId)}` as Route}>
                    {line.productName}
                  </Link>
                </td>
              ) : null}
              <th scope="row">
                <code>{line.ruleKey}</code>
                {line.tuneCandidate ? (
                  <>
                    {' '}
                    <span
                      className="tag tag--snoozed"
                      title={`Most of its incidents resolved by themselves within ${flapWindowMinutes} minutes: a candidate to tune (threshold, window or severity)`}
                    >
                      tune
                    </span>
                  </>
                ) : null}
              </th>
              <td>
                {line.destination ? <code>{line.destination}</code> : <span className="muted">none</span>}
              </td>
              <td className="numeric">
                {line.sent === line.notifications ? line.sent : `${line.sent} of ${line.notifications}`}
              </td>
              <td className="numeric">{line.incidents}</td>
              <td className="numeric">{line.open}</td>
              <td className="numeric">{formatMinutes(line.medianAckMinutes)}</td>
              <td className="numeric">{formatMinutes(line.medianResolveMinutes)}</td>
              <td className="numeric">{formatShare(line.flappingShare)}</td>
              <td className="numeric">{Number(line.noiseScore.toFixed(1))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
