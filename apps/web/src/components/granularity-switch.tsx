import type { UsageGrain } from '@steward/db'
import type { Route } from 'next'
import Link from 'next/link'

const labels: Record<UsageGrain, string> = { day: 'Day', week: 'Week', month: 'Month' }

/** Day / week / month as links (`?granularity=`), so the switch works without JavaScript and can be shared. */
export function GranularitySwitch({ basePath, current }: { basePath: string; current: UsageGrain }) {
  return (
    <nav className="segmented" aria-label="Granularity">
      {(['day', 'week', 'month'] as const).map((grain) => (
        <Link
          key={grain}
          href={`${basePath}?granularity=${grain}` as Route}
          aria-current={grain === current ? 'page' : undefined}
          className="segmented__item"
          scroll={false}
        >
          {labels[grain]}
        </Link>
      ))}
    </nav>
  )
}
