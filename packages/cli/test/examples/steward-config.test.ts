import { fileURLToPath } from 'node:url'
import { compileCatalog, loadProject } from '@steward/engine'
import { describe, expect, it } from 'vitest'

describe('the example project', () => {
  it('loads and validates with no problems, and compiles to 3 products and 3 pipelines', async () => {
    const project = await loadProject(
      fileURLToPath(new URL('../../../../examples/steward.config.ts', import.meta.url)),
    )
    expect(project.products.map((p) => [p.definition.id, p.docsPath, p.docsMarkdown !== null])).toEqual([
      ['app-activity-counts', 'docs/app-activity-counts.md', true],
      ['churn-scores', 'docs/churn-scores.md', true],
      ['weekly-signup-funnel', 'docs/weekly-signup-funnel.md', true],
    ])
    const catalog = compileCatalog(project)
    expect(catalog.products).toHaveLength(3)
    expect(catalog.pipelines.map((p) => p.id).sort()).toEqual([
      'app-activity.daily',
      'churn.score',
      'signup-funnel.weekly',
    ])
  })
})
