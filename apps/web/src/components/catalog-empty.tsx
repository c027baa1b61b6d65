import { CodeBlock } from './code-block.tsx'

// The definition shape from docs/DESIGN: keep in step with @steward/pipelines' defineProduct.
const productSample = `import { defineProduct } from '@steward/pipelines'

export const funnel = defineProduct({
  id: 'weekly-signup-funnel',
  name: 'Weekly signup funnel',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
  tier: 'gold',
  freshness: { maxAge: '8d' },
  budget: { monthlyUsd: 200 },
})`

/** What a new user sees before the first deploy: what a product is, and the two steps to get one here. */
export function CatalogEmpty() {
  return (
    <section className="card empty" aria-labelledby="empty-title">
      <div className="empty__intro">
        <h2 id="empty-title">No data products yet</h2>
        <p>
          Steward lists the data products your team defines in code: tables, dashboards, models and feeds,
          each with its owners, tier, freshness promise and budget. Define one and deploy it to see it here.
        </p>
      </div>
      <ol className="steps">
        <li>
          <h3>Describe a product in steward.config.ts</h3>
          <CodeBlock label="steward.config.ts" code={productSample} />
        </li>
        <li>
          <h3>Deploy your definitions</h3>
          <p>Deploy checks every definition and syncs the catalog into the database this page reads.</p>
          <CodeBlock label="terminal" code="npx steward deploy" />
        </li>
        <li>
          <h3>Reload this page</h3>
          <p>Products you later remove from code are archived, not deleted: their history stays.</p>
        </li>
      </ol>
    </section>
  )
}
