// `npm run pack`: builds the packages a team installs (the SDK, the `steward` command with the
// engine, the prebuilt web UI and what they depend on) and writes them as tarballs to dist/packs/,
// which stand in for the npm registry. `steward init --from dist/packs` makes a project on them.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstall } from './lib/ensure-install.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
ensureInstall(root)
const { register } = await import('tsx/esm/api')
register()
const { packAll } = await import('./pack/pack-all.ts')
try {
  const packs = await packAll(root, { log: (line) => console.log(line) })
  console.log(`\n${packs.length} packages in ${join(root, 'dist', 'packs')}:`)
  for (const pack of packs) console.log(`  ${pack.file}  ${pack.name}@${pack.version}`)
} catch (error) {
  console.error(`pack: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
