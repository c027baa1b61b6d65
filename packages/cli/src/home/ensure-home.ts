import { mkdir } from 'node:fs/promises'
import { StewardError } from '@steward/kernel'

/**
 * Creates the Steward home folder if needed. Done before anything writes under it so a bad
 * STEWARD_HOME (a file, a read-only place) is one line naming the setting, not an ENOTDIR.
 */
export async function ensureHome(home: string): Promise<void> {
  try {
    await mkdir(home, { recursive: true })
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'a file is in the way' : (error as Error).message
    throw new StewardError(
      'SETTING_INVALID',
      `STEWARD_HOME (${home}) is not a folder Steward can use: ${reason}`,
      {
        cause: error,
      },
    )
  }
}
