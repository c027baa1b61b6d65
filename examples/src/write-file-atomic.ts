import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes a file through a temporary name and a rename, so a reader (or a retried step) never sees
 * half of it. Returns the bytes written.
 */
export async function writeFileAtomic(path: string, text: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true })
  const partial = `${path}.partial`
  await writeFile(partial, text)
  await rename(partial, path)
  return Buffer.byteLength(text)
}
