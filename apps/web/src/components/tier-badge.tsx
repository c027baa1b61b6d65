/**
 * A product's tier as a pill. Tiers are free text in definitions; gold, silver, bronze and
 * platinum get a colour of their own, any other tier a neutral one.
 */
export function TierBadge({ tier }: { tier: string | null }) {
  if (!tier) return <span className="muted">—</span>
  return (
    <span className="tier" data-tier={tier.toLowerCase()}>
      {tier}
    </span>
  )
}
