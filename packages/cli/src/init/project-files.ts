import type { ProjectDependencies } from './project-dependencies.ts'
import type { ProjectNames } from './project-names.ts'

/** The test runner and compiler a new project gets (the versions Steward itself is tested with). */
const devDependencies = { typescript: '^5.9.3', vitest: '^4.1.12' }

/** A single-quoted TypeScript string literal: answers are typed by people, so quote what they typed. */
const ts = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/**
 * Every file `steward init` writes, by path relative to the project folder: a project that
 * validates, deploys and whose test passes as it is. Definitions live in `products/` and
 * `pipelines/` (the config's globs); the test lives in `test/`, outside them.
 */
export function projectFiles(names: ProjectNames, deps: ProjectDependencies): Record<string, string> {
  const productFile = `products/${names.productId}.ts`
  const pipelineFile = `pipelines/${names.productId}-daily.ts`
  const packageJson = {
    name: names.packageName,
    private: true,
    type: 'module',
    scripts: { dev: 'steward dev', test: 'vitest run', validate: 'steward validate' },
    dependencies: deps.dependencies,
    devDependencies,
    ...(deps.overrides ? { overrides: deps.overrides } : {}),
  }
  return {
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2023',
          module: 'ESNext',
          moduleResolution: 'Bundler',
          allowImportingTsExtensions: true,
          noEmit: true,
          strict: true,
          noUncheckedIndexedAccess: true,
          isolatedModules: true,
          verbatimModuleSyntax: true,
          skipLibCheck: true,
        },
        include: ['**/*.ts'],
        exclude: ['node_modules', '.steward'],
      },
      null,
      2,
    )}\n`,
    'steward.config.ts': `import { defineConfig } from '@steward/pipelines'

/** The project: where its definitions are, and the defaults its steps share. */
export default defineConfig({
  // Only these files are loaded as definitions; code they import can live anywhere.
  definitions: ['products/*.ts', 'pipelines/*.ts'],
  defaults: { retries: 1, timeout: '15m', backoff: { type: 'exponential', delay: '30s' } },
  costs: { workerHourUsd: { default: 0.05 } },
})
`,
    [productFile]: `import { defineProduct } from '@steward/pipelines'

export const ${names.productConst} = defineProduct({
  id: ${ts(names.productId)},
  name: ${ts(names.productName)},
  description: 'What this data is, who uses it and for what: shown in the catalog.',
  owners: [{ team: ${ts(names.owner)}, slack: ${ts(names.slackChannel)} }],
  docs: '../docs/${names.productId}.md',
  // The promise to its users: data no older than this. The pipeline's freshness alert keeps it.
  freshness: { maxAge: '26h' },
})
`,
    [`docs/${names.productId}.md`]: `# ${names.productName.replace(/[\r\n]+/g, ' ')}

What this data product holds, who uses it and how. This page is deployed with the catalog and
shown on the product's page in the Steward web UI.

## Where the data comes from

The \`${names.pipelineId}\` pipeline runs every day at 06:00 UTC: \`extract\` reads the source,
\`summarize\` counts what it read by plan.

## Owners

${names.owner} (Slack ${names.slackChannel}) hears about failed runs and data older than 26 hours.
`,
    [pipelineFile]: `import { definePipeline, freshness, manual, onFailure } from '@steward/pipelines'
import { ${names.productConst} } from '../products/${names.productId}.ts'

export interface Signup {
  user: string
  plan: 'free' | 'pro'
}

/**
 * Builds ${names.productName.replace(/\*\//g, '* /')} every morning: extract → summarize. A step returns small
 * JSON (a summary, or where it wrote the data), which the steps that need it receive as \`upstream\`.
 */
export const ${names.pipelineConst} = definePipeline({
  id: ${ts(names.pipelineId)},
  product: ${names.productConst},
  schedule: { cron: '0 6 * * *', timezone: 'UTC' },
  triggers: [manual()],
  alerts: [
    // A run failed after its retries: the owners hear it in Slack.
    onFailure(),
    // No successful run that reported rows within the product's freshness promise (26h).
    freshness({ metric: 'rows' }),
  ],
  steps: (s) =>
    s
      .step('extract', {
        retries: 2,
        timeout: '5m',
        run: async (ctx) => {
          // Replace with a query to your warehouse, a file or an API call.
          const rows: Signup[] = [
            { user: 'u-1', plan: 'free' },
            { user: 'u-2', plan: 'pro' },
            { user: 'u-3', plan: 'free' },
          ]
          ctx.log.info('extracted sign-ups', { rows: rows.length })
          ctx.metric('rows', rows.length)
          return { rows }
        },
      })
      .step('summarize', {
        needs: ['extract'],
        run: async (ctx, { extract }) => {
          const byPlan: Record<string, number> = {}
          for (const row of extract.rows) byPlan[row.plan] = (byPlan[row.plan] ?? 0) + 1
          ctx.metric('plans', Object.keys(byPlan).length)
          return { total: extract.rows.length, byPlan }
        },
      }),
})
`,
    [`test/${names.productId}-daily.test.ts`]: `import { runPipeline, runStep } from '@steward/pipelines/testing'
import { describe, expect, it } from 'vitest'
import { ${names.pipelineConst} } from '../pipelines/${names.productId}-daily.ts'

describe(${ts(names.pipelineId)}, () => {
  it('summarize counts the sign-ups it is given, by plan', async () => {
    const result = await runStep(${names.pipelineConst}, 'summarize', {
      upstream: {
        extract: {
          rows: [
            { user: 'a', plan: 'free' },
            { user: 'b', plan: 'pro' },
            { user: 'c', plan: 'pro' },
          ],
        },
      },
    })
    expect(result.output).toEqual({ total: 3, byPlan: { free: 1, pro: 2 } })
    expect(result.metrics).toEqual([expect.objectContaining({ name: 'plans', value: 2 })])
  })

  it('runs extract then summarize, reporting the rows it extracted', async () => {
    const run = await runPipeline(${names.pipelineConst})
    expect(run.outputs.summarize.total).toBe(run.outputs.extract.rows.length)
    expect(run.metrics).toContainEqual(expect.objectContaining({ step: 'extract', name: 'rows', value: 3 }))
  })
})
`,
    '.gitignore': 'node_modules/\n.steward/\n',
    'README.md': `# ${names.productName.replace(/[\r\n]+/g, ' ')}

A Steward project: the \`${names.productId}\` data product and the \`${names.pipelineId}\` pipeline
that builds it.

## Next steps

\`\`\`sh
npm install
npx steward dev      # database, queue, worker and web UI on this machine; deploys this project
\`\`\`

Open http://localhost:3000, run the pipeline (\`npx steward run ${names.pipelineId} --wait\` in a
second terminal), then edit \`${pipelineFile}\` and save: \`steward dev\` reloads the
changed definitions. Test the steps with \`npm test\` (\`${`test/${names.productId}-daily.test.ts`}\`
shows how) and check every definition with \`npx steward validate\`.

- \`steward.config.ts\`: which files hold definitions, and the defaults their steps share.
- \`${productFile}\`, \`docs/${names.productId}.md\`: the product, its owners and its page.
- \`${pipelineFile}\`: the pipeline, its schedule and its alerts.

\`.steward/\` holds the local database and queue data of \`steward dev\`; it is not committed.
`,
  }
}
