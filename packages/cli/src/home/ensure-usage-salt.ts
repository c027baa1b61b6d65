import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { minUsageSaltLength, stewardPaths } from '@steward/config'
import { StewardError } from '@steward/kernel'

/**
 * The usage salt `steward dev` uses when STEWARD_USAGE_SALT is unset: generated once and kept in
 * `$STEWARD_HOME/secrets/usage-salt` (mode 600), so actor hashes stay the same across restarts.
 * Production sets STEWARD_USAGE_SALT itself (see readSettings).
 */
export async function ensureUsageSalt(
  home: string,
): Promise<{ salt: string; file: string; created: boolean }> {
  const folder = stewardPaths(home).secrets
  const file = join(folder, 'usage-salt')
  const existing = await readFile(file, 'utf8').catch(() => undefined)
  if (existing !== undefined) {
    const salt = existing.trim()
    if (salt.length < minUsageSaltLength) {
      throw new StewardError('SETTING_INVALID', `${file} holds no usable salt: delete it and start again`)
    }
    return { salt, file, created: false }
  }
  const salt = randomBytes(32).toString('hex')
  await mkdir(folder, { recursive: true, mode: 0o700 })
  await writeFile(file, `${salt}\n`, { mode: 0o600, flag: 'wx' })
  return { salt, file, created: true }
}
