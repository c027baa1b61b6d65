// `npm run seed:large [-- --reset]`: a PostgreSQL database the size the web pages must stay fast
// at (2,000 products, 1,000,000 runs, 10,000,000 usage events). See scripts/seed/large.ts.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstall } from './lib/ensure-install.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
ensureInstall(root)
const { register } = await import('tsx/esm/api')
register()
const { seedLarge } = await import(join(root, 'scripts', 'seed', 'large.ts'))
try {
  await seedLarge({ reset: process.argv.includes('--reset') })
} catch (error) {
  console.error(`seed:large failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
