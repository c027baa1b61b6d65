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

/** The library packages under packages/, by folder name. */
export function libraryPackages(root: string): WorkspacePackage[] {
  const packages: WorkspacePackage[] = []
  for (const folder of readdirSync(join(root, 'packages')).sort()) {
    const dir = join(root, 'packages', folder)
    try {
      packages.push({
        folder,
        dir,
        manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest,
      })
    } catch {
      // Not a package: a stray folder.
    }
  }
  return packages
}

/** `npm pack`'s file name for a package: `@steward/db` 0.1.0 → steward-db-0.1.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`
}
