import { realpath, stat } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'

/**
 * A `file` param that names nothing inside the churn inbox. Its code makes it a params error on the
 * run page and in the alert; the validate step has no retries, so the run fails at once.
 */
export class ChurnInboxError extends Error {
  override readonly name = 'ChurnInboxError'
  readonly code = 'PARAMS_INVALID'
}

/**
 * The real path of the file that `file` names inside `inbox`: a file name (`churn-2026-11-02.csv`),
 * a path below the inbox, or an absolute path inside it. Anything else is refused before a byte is
 * read: an absolute path elsewhere (`/etc/passwd`), a way out with `..`, a symbolic link that leads
 * out of the inbox, a folder. A run's params come from whoever may start a run (the HTTP API, an
 * event), so a pipeline that reads the file a param names must keep to its folder like this.
 *
 * @example
 * const file = await resolveInboxFile(churnInbox(), ctx.params.file)
 */
export async function resolveInboxFile(inbox: string, file: string): Promise<string> {
  const refuse = (why: string) =>
    new ChurnInboxError(
      `params.file: ${JSON.stringify(file)} ${why}; name a file in the churn inbox ${inbox}`,
    )
  if (file.includes('\u0000')) throw refuse('holds a NUL character')
  const root = await realpath(inbox).catch(() => {
    throw new ChurnInboxError(`params.file: the churn inbox ${inbox} does not exist`)
  })
  // Lexically first, against the inbox as configured and as it really is (its parents may be links).
  const candidate = resolve(inbox, file)
  if (!isInside(resolve(inbox), candidate) && !isInside(root, candidate)) throw refuse('is outside the inbox')
  const real = await realpath(candidate).catch(() => undefined)
  if (real === undefined) throw refuse('does not exist')
  // Then where it really leads: a link inside the inbox may point anywhere.
  if (!isInside(root, real)) throw refuse('is a link that leads outside the inbox')
  if (!(await stat(real)).isFile()) throw refuse('is not a file')
  return real
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}
