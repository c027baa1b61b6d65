import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { delimiter, join } from 'node:path'

/**
 * Where to look for system programs: PATH, then the usual folders, since /usr/sbin is often
 * missing from PATH and Debian's packages put programs in either.
 */
export function executableDirs(searchPath: string): string[] {
  const dirs = [...searchPath.split(delimiter), '/usr/local/bin', '/usr/bin', '/usr/sbin']
  return [...new Set(dirs.filter((dir) => dir !== ''))]
}

/** The first executable `name` in `dirs`. */
export async function findExecutable(name: string, dirs: string[]): Promise<string | undefined> {
  for (const dir of dirs) {
    const candidate = join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // Not here.
    }
  }
  return undefined
}
