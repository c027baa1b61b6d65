import { readFile } from 'node:fs/promises'

/** The last `count` non-empty lines of a text file, or none when it cannot be read. */
export async function tailFile(path: string, count: number): Promise<string[]> {
  try {
    const text = await readFile(path, 'utf8')
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-count)
  } catch {
    return []
  }
}
