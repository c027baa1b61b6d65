// `npm start`: the main job on a fresh machine. Installs packages when needed, then runs
// `steward dev` (embedded database, local Redis if none answers, migrations, the example data
// products, worker and web UI on http://localhost:$PORT). Ctrl-C stops everything it started.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstall } from './lib/ensure-install.mjs'
import { childEnv } from './lib/env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
ensureInstall(root)

const examples = join(root, 'examples', 'steward.config.ts')
const args = [join(root, 'packages', 'cli', 'bin', 'steward.mjs'), 'dev']
if (existsSync(examples)) {
  args.push('--config', examples)
  // First start: a churn export waiting in the inbox, which the file trigger picks up.
  const { register } = await import('tsx/esm/api')
  register()
  const { seedInbox } = await import('../examples/scripts/seed-inbox.ts')
  const home = resolve(root, process.env.STEWARD_HOME || '.steward')
  const seeded = await seedInbox(home)
  if (seeded) console.log(`› first start: put a sample churn export in ${seeded}`)
}
args.push(...process.argv.slice(2))

const child = spawn(process.execPath, args, { cwd: root, env: childEnv(), stdio: 'inherit' })
// Ctrl-C reaches the child directly (same process group), so SIGINT is not passed on twice;
// a SIGTERM sent to this process alone is.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => child.kill('SIGTERM'))
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 0 : 1)))
