import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { cliError } from '../errors.ts'

/** What a new project's package.json takes from Steward: its dependencies, and pins for theirs. */
export interface ProjectDependencies {
  dependencies: Record<string, string>
  /** npm `overrides`: the other `@steward/*` packages, which the `steward` tarball names by exact version. */
  overrides?: Record<string, string>
}

/** `steward-0.1.0.tgz` → `steward`; `steward-pipelines-0.1.0.tgz` → `@steward/pipelines`. */
const tarballName = /^steward(?:-([a-z][a-z0-9-]*?))?-(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.tgz$/

/**
 * The packages a project made by `steward init` depends on: the CLI (published as `steward`) and
 * the SDK at `^<version>` from the registry; or, with `fromDir` (a folder of tarballs, e.g.
 * `dist/packs`), both as `file:` paths to their tarballs of this version, and every other
 * `@steward/*` tarball of this version there as an override, so npm takes them from the folder
 * too. Throws a one-line error when the folder lacks the CLI's or the SDK's tarball.
 */
export function projectDependencies(version: string, fromDir?: string): ProjectDependencies {
  if (fromDir === undefined) {
    return { dependencies: { steward: `^${version}`, '@steward/pipelines': `^${version}` } }
  }
  const dir = resolve(fromDir)
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch (error) {
    throw cliError(
      'INIT_PACKAGES_MISSING',
      `--from ${fromDir}: cannot read ${dir} (${(error as Error).message})`,
    )
  }
  const tarballs = new Map<string, string>()
  for (const file of files.sort()) {
    const match = tarballName.exec(file)
    if (!match || match[2] !== version) continue
    tarballs.set(match[1] === undefined ? 'steward' : `@steward/${match[1]}`, `file:${join(dir, file)}`)
  }
  const missing = ['steward', '@steward/pipelines'].filter((name) => !tarballs.has(name))
  if (missing.length > 0) {
    const expected = missing.map((name) =>
      name === 'steward' ? `steward-${version}.tgz` : `steward-pipelines-${version}.tgz`,
    )
    throw cliError(
      'INIT_PACKAGES_MISSING',
      `--from ${fromDir}: ${dir} has no ${expected.join(' or ')} (this steward is ${version}; npm run pack writes them)`,
    )
  }
  const dependencies: Record<string, string> = {}
  const overrides: Record<string, string> = {}
  for (const [name, spec] of tarballs) {
    if (name === 'steward' || name === '@steward/pipelines') dependencies[name] = spec
    else overrides[name] = spec
  }
  return Object.keys(overrides).length > 0 ? { dependencies, overrides } : { dependencies }
}
