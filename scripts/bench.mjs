// `npm run bench`: benchmarks that print their figures. Each file in scripts/bench/ is one.
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstall } from './lib/ensure-install.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
ensureInstall(root)
const { register } = await import('tsx/esm/api')
register()
const only = process.argv[2]
for (const file of readdirSync(join(root, 'scripts', 'bench')).sort()) {
  if (!file.endsWith('.bench.ts') || (only && !file.includes(only))) continue
  console.log(`\n# ${file}`)
  const bench = await import(join(root, 'scripts', 'bench', file))
  await bench.run()
}
