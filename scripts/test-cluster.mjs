// `npm run test:cluster`: the engine's tests (process tests included) once more, on a three-node
// Redis Cluster started here (redis-server --cluster-enabled yes ×3, redis-cli --cluster create).
// The queue keys are hash-tagged ({steward}), so each queue lives in one slot; this run proves the
// engine needs nothing else to grow past one Redis. Ends with one line: "N passed, N failed".
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureInstall } from './lib/ensure-install.mjs'
import { childEnv } from './lib/env.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)
ensureInstall(root)
const { register } = await import('tsx/esm/api')
register()
const { startRedisCluster } = await import('@steward/queue/testing')

const dir = mkdtempSync(join(tmpdir(), 'steward-cluster-'))
const cluster = await startRedisCluster(dir)
console.log(`› Redis Cluster up: ${cluster.url}`)
const results = join(dir, 'vitest.json')
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['packages/engine/']
const code = await new Promise((resolve) => {
  const child = spawn(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...paths],
    {
      cwd: root,
      stdio: 'inherit',
      env: childEnv({
        STEWARD_TEST_REDIS_URL: cluster.url,
        REDIS_URL: cluster.url,
        STEWARD_TEST_QUEUE: 'redis',
      }),
    },
  )
  child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)))
})
await cluster.stop()
let summary = 'no results'
try {
  const report = JSON.parse(readFileSync(results, 'utf8'))
  summary = `${report.numPassedTests} passed, ${report.numFailedTests} failed`
} catch {}
rmSync(dir, { recursive: true, force: true })
console.log(`on a three-node Redis Cluster: ${summary}`)
process.exit(code)
