import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * One build of a web app at a time, across processes (parallel test files, two terminals): a
 * lock folder holding its owner's pid. A folder whose owner is gone is taken over. In the temp
 * folder, not the checkout, so a killed build leaves nothing to commit by mistake.
 */
export async function withBuildLock<T>(
  webDir: string,
  work: () => Promise<T>,
  options: { signal?: AbortSignal; onWait?: () => void } = {},
): Promise<T> {
  const lock = join(
    tmpdir(),
    `steward-web-build-${createHash('sha1').update(webDir).digest('hex').slice(0, 12)}.lock`,
  )
  let told = false
  for (;;) {
    options.signal?.throwIfAborted()
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'pid'), String(process.pid))
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (!(await ownerAlive(lock))) {
        await rm(lock, { recursive: true, force: true })
        continue
      }
      if (!told) options.onWait?.()
      told = true
      await sleep(500, undefined, options.signal ? { signal: options.signal } : {})
    }
  }
  try {
    return await work()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

async function ownerAlive(lock: string): Promise<boolean> {
  const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => ''))
  // No pid yet: its owner is between mkdir and writeFile.
  if (!Number.isInteger(pid) || pid <= 0) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
