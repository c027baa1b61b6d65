import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPipeline } from '@steward/pipelines/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { churnScore } from '../../pipelines/churn-score.ts'
import { recordingWarehouse } from '../warehouse/recording-warehouse.ts'
import { ChurnInboxError, resolveInboxFile } from './churn-inbox-file.ts'
import { writeChurnFile } from './write-churn-file.ts'

// The churn pipeline reads the file its `file` param names: only inside its inbox, whoever sent it.
let home = ''
let inbox = ''
let secret = ''
let previousHome: string | undefined
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'steward-churn-inbox-'))
  inbox = join(home, 'inbox/churn')
  await mkdir(join(inbox, 'nested'), { recursive: true })
  secret = join(home, 'secret.txt')
  await writeFile(secret, 'the first line of a secret\n')
  await writeFile(join(inbox, 'nested/export.csv'), 'user_id\n')
  await symlink(secret, join(inbox, 'link-out.csv'))
  await symlink(join(home), join(inbox, 'dir-out'))
  previousHome = process.env.STEWARD_HOME
  process.env.STEWARD_HOME = home
})
afterAll(async () => {
  if (previousHome === undefined) delete process.env.STEWARD_HOME
  else process.env.STEWARD_HOME = previousHome
  await rm(home, { recursive: true, force: true })
})

describe('resolveInboxFile', () => {
  it('finds a file by name, by a path below the inbox, or by an absolute path inside it', async () => {
    const nested = await resolveInboxFile(inbox, 'nested/export.csv')
    expect(nested).toMatch(/nested\/export\.csv$/)
    expect(await resolveInboxFile(inbox, join(inbox, 'nested/export.csv'))).toBe(nested)
    expect(await resolveInboxFile(inbox, './nested/../nested/export.csv')).toBe(nested)
  })

  const refused: [string, () => string, RegExp][] = [
    ['an absolute path elsewhere', () => secret, /is outside the inbox/],
    ['a way out with ..', () => '../../secret.txt', /is outside the inbox/],
    ['a symbolic link out', () => 'link-out.csv', /a link that leads outside/],
    ['a path through a linked folder', () => 'dir-out/secret.txt', /a link that leads outside/],
    ['the inbox itself', () => '.', /is outside the inbox/],
    ['a folder', () => 'nested', /is not a file/],
    ['a missing file', () => 'nope.csv', /does not exist/],
    ['a NUL character', () => 'a\u0000.csv', /NUL/],
  ]
  it.each(refused)('refuses %s with a params error', async (_name, file, why) => {
    const error = await resolveInboxFile(inbox, file()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChurnInboxError)
    expect((error as ChurnInboxError).code).toBe('PARAMS_INVALID')
    expect((error as Error).message).toMatch(/^params\.file: /)
    expect((error as Error).message).toMatch(why)
  })
})

describe('churn.score', () => {
  it('fails at validate on a file outside its inbox, without reading it', async () => {
    const error = await runPipeline(churnScore, { params: { file: secret } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChurnInboxError)
    expect((error as Error).message).not.toMatch(/first line of a secret/)
  })

  it('still scores a file in its inbox', async () => {
    await writeChurnFile(inbox, { seed: 2, users: 100, asOf: '2026-11-03' })
    const warehouse = recordingWarehouse()
    const run = await runPipeline(churnScore, {
      params: { file: 'churn-2026-11-03.csv' },
      sql: { warehouse },
    })
    expect(run.outputs.validate).toMatchObject({ users: 100 })
    expect(warehouse.statements.some((s) => /analytics\.churn_scores/.test(s.text))).toBe(true)
  })
})
