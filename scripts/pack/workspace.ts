import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** A package.json as the pack reads and writes it. */
export interface Manifest {
  name: string
  version: string
  description?: string
  license?: string
  type?: string
  private?: boolean
  exports?: Record<string, string>
  imports?: Record<string, string>
  bin?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
  scripts?: Record<string, string>
  [key: string]: unknown
}

export interface WorkspacePackage {
  /** The folder name under packages/ (kernel, pipelines, cli…). */
  folder: string
  dir: string
  manifest: Manifest
}

/** The library packages under packages/, dependencies before their dependents. */
export function libraryPackages(root: string): WorkspacePackage[] {
  const byName = new Map<string, WorkspacePackage>()
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder)
    let manifest: Manifest
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest
    } catch {
      continue
    }
    byName.set(manifest.name, { folder, dir, manifest })
  }
  const ordered: WorkspacePackage[] = []
  const visiting = new Set<string>()
  const visit = (name: string) => {
    const pkg = byName.get(name)
    if (!pkg || ordered.includes(pkg)) return
    if (visiting.has(name))
      throw new Error(`workspace packages depend on each other in a cycle through ${name}`)
    visiting.add(name)
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) visit(dependency)
    visiting.delete(name)
    ordered.push(pkg)
  }
  for (const name of byName.keys()) visit(name)
  return ordered
}

/** `npm pack`'s file name for a package: `@steward/db` 0.1.0 → steward-db-0.1.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`
}
