import type { OwnerRef } from '@steward/db'
import { OwnerList } from '../owner-list.tsx'

/** Who owns the product: the teams and people that alerts reach and that may operate it. */
export function OwnersPanel({ owners }: { owners: OwnerRef[] }) {
  return (
    <section className="card panel" aria-labelledby="owners-title">
      <h2 id="owners-title" className="panel__title">
        Owners
      </h2>
      <OwnerList owners={owners} />
    </section>
  )
}
