import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { cliError } from '../errors.ts'

/**
 * Writes `files` (paths relative to `folder`, which is created if missing). Writes nothing when
 * any of them exists: one line names every such file. Each file is created exclusively (`wx`), so
 * a file that appears meanwhile is not overwritten either.
 */
export async function writeProject(folder: string, files: Record<string, string>): Promise<string[]> {
  const root = resolve(folder)
  const paths = Object.keys(files)
  refuseExisting(root, paths)
  for (const path of paths) {
    const target = join(root, path)
    await mkdir(dirname(target), { recursive: true })
    await writeFile(target, files[path] ?? '', { flag: 'wx' })
  }
  return paths
}

/** Throws INIT_REFUSED naming every one of `paths` (relative to `folder`) that exists. */
export function refuseExisting(folder: string, paths: readonly string[]): void {
  const root = resolve(folder)
  const existing = paths.filter((path) => existsSync(join(root, path)))
  if (existing.length > 0) {
    throw cliError(
      'INIT_REFUSED',
      `${root} already has ${existing.join(', ')}: nothing was written (init never overwrites; move them or pick another folder)`,
    )
  }
}
