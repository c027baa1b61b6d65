import type { OwnerRef } from '@steward/db'

/** Who answers for a product: the team (or person) and where Slack reaches them. */
export function OwnerList({ owners }: { owners: OwnerRef[] }) {
  if (owners.length === 0) return <span className="muted">No owner</span>
  return (
    <ul className="owners">
      {owners.map((owner) => (
        <li key={`${owner.team ?? owner.name ?? ''}${owner.slack}`}>
          <span className="owner__team">{owner.team ?? owner.name ?? owner.slack}</span>
          {(owner.team ?? owner.name) ? <span className="owner__slack">{owner.slack}</span> : null}
        </li>
      ))}
    </ul>
  )
}
