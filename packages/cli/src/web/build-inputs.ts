import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'

/**
 * A digest of everything a production build of the web UI is made from, in a Steward checkout:
 * its own sources and config, the workspace packages it depends on (compiled in), and the lockfile (which
 * pins Next.js and every library). Contents, not modification times: a fresh clone or a
 * `git checkout` touches every file without changing what the build would be.
 */
export async function webBuildInputs(webDir: string): Promise<string> {
  const repoRoot = resolve(webDir, '../..')
  const roots = [
    join(webDir, 'src'),
    join(webDir, 'public'),
    join(webDir, 'next.config.ts'),
    join(webDir, 'package.json'),
    join(webDir, 'tsconfig.json'),
  ]
  if (existsSync(join(repoRoot, 'package-lock.json'))) {
    roots.push(join(repoRoot, 'package-lock.json'), join(repoRoot, 'tsconfig.base.json'))
    // Only the workspace packages the UI depends on: editing the CLI, say, changes no page.
    const uses = Object.keys(readManifest(join(webDir, 'package.json')).dependencies ?? {})
    const packages = join(repoRoot, 'packages')
    for (const entry of await readdir(packages, { withFileTypes: true }).catch(() => [])) {
      const dir = join(packages, entry.name)
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue
      if (!uses.includes(readManifest(join(dir, 'package.json')).name ?? '')) continue
      roots.push(join(dir, 'src'), join(dir, 'package.json'))
    }
  }
  const files: string[] = []
  for (const root of roots) await collect(root, files)
  files.sort()
  const hash = createHash('sha256')
  for (const file of files) {
    hash.update(relative(repoRoot, file)).update('\0')
    hash.update(await readFile(file)).update('\0')
  }
  return hash.digest('hex')
}

function readManifest(path: string): { name?: string; dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; dependencies?: Record<string, string> }
}

/** Tests do not reach the build; leaving them out spares a rebuild for every test edited. */
const isTest = (name: string) => /\.test\.[cm]?[jt]sx?$/.test(name)

async function collect(path: string, into: string[]): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOTDIR') return null
    if (error.code === 'ENOENT') return []
    throw error
  })
  if (entries === null) {
    into.push(path)
    return
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const child = join(path, entry.name)
    if (entry.isDirectory()) await collect(child, into)
    else if (entry.isFile() && !isTest(entry.name)) into.push(child)
  }
}
