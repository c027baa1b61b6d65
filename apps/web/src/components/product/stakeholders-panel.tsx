import type { StakeholderRef } from '@steward/db'

/** Who depends on the product, with their Slack destinations. */
export function StakeholdersPanel({ stakeholders }: { stakeholders: readonly StakeholderRef[] }) {
  return (
    <section className="card panel" aria-labelledby="stakeholders-title">
      <h2 id="stakeholders-title" className="panel__title">
        Stakeholders
      </h2>
      <ul className="owners">
        {stakeholders.map((s) => (
          <li key={`${s.name}${s.slack ?? ''}`}>
            <span className="owner__team">{s.name}</span>
            {s.slack ? <span className="owner__slack">{s.slack}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  )
}
