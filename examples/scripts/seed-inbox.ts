// `npm start`'s first start: one churn export in the inbox, so the file trigger has something to
// pick up and the churn product shows a real run. Later starts find the folder and leave it be.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeChurnFile } from '../src/churn/write-churn-file.ts'

export async function seedInbox(home: string): Promise<string | undefined> {
  const inbox = join(home, 'inbox', 'churn')
  if (existsSync(inbox)) return undefined
  await mkdir(inbox, { recursive: true })
  const asOf = new Date().toISOString().slice(0, 10)
  return writeChurnFile(inbox, { seed: 7, users: 5_000, asOf })
}
