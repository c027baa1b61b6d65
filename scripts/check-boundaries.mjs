// `node scripts/check-boundaries.mjs`: fails, naming file and rule, on an import that crosses a
// package boundary docs/architecture.md does not allow. Part of `npm test`.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkBoundaries } from './lib/check-boundaries.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const problems = checkBoundaries(root)
if (problems.length > 0) {
  console.error(`boundaries: ${problems.length} import(s) break the package rules:`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
console.log('boundaries: every import keeps to docs/architecture.md')
