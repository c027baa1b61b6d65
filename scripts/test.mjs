// `npm test`: the whole suite from a clean clone. Installs packages when needed, makes sure Redis
// answers (starting a local one if not), checks PostgreSQL, installs Chromium for the browser
// tests, then checks the package boundaries, runs lint, typecheck and every test, and ends with one line: "N passed, N failed".
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureChromium } from './lib/ensure-chromium.mjs'
import { ensureInstall } from './lib/ensure-install.mjs'
import { childEnv } from './lib/env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
ensureInstall(root)

// Packages are installed now: TypeScript helpers can load through tsx.
const { register } = await import('tsx/esm/api')
register()
const { prepareTestServices } = await import('./lib/test-services.ts')
const services = await prepareTestServices(root)
ensureChromium()
// The browser tests and `steward dev` serve the production build: make it once, before the clock
// of any test starts (skipped when the UI's sources have not changed since the last build).
const { ensureWebBuild, findWebApp } = await import('@steward/cli')
await ensureWebBuild(findWebApp(), { log: (line) => console.log(line) })

const env = childEnv(services.env)
const run = (cmd, args) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' })
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })

let failed = false
const bin = (name) => join(root, 'node_modules', '.bin', name)

console.log('\n› package boundaries, lint (biome) and typecheck (tsc, every workspace)')
if ((await run('node', [join(root, 'scripts', 'check-boundaries.mjs')])) !== 0) failed = true
const colors = process.stdout.isTTY ? [] : ['--colors=off']
if ((await run(bin('biome'), ['ci', ...colors, '.'])) !== 0) failed = true
if ((await run(bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only'])) !== 0) failed = true
// The root's own TypeScript (scripts, vitest config) is no workspace of turbo's.
if ((await run(bin('tsc'), ['-p', 'tsconfig.json'])) !== 0) failed = true

console.log('\n› tests (vitest: PostgreSQL and PGlite, real Redis, Chromium)')
const resultsDir = join(root, '.steward', 'test-results')
rmSync(resultsDir, { recursive: true, force: true })
mkdirSync(resultsDir, { recursive: true })
const resultsFile = join(resultsDir, 'vitest.json')
const extra = process.argv.slice(2)
const testCode = await run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
  ...extra,
])
if (testCode !== 0) failed = true

await services.stop()

let summary = 'tests: no results (vitest did not finish)'
try {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'))
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`
  if (r.numTotalTests === 0) failed = true
} catch {
  failed = true
}
console.log(`\n${services.notes.map((n) => `› ${n}\n`).join('')}${summary}`)
process.exit(failed ? 1 : 0)
