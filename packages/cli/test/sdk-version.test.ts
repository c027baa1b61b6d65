import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { assertSdkMatches, cliVersion } from '../src/version.ts'

describe('the project’s SDK against this steward', () => {
  let dir: string | undefined
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const projectWithSdk = async (version: string) => {
    dir = await mkdtemp(join(tmpdir(), 'steward-sdk-version-'))
    const sdk = join(dir, 'node_modules', '@steward', 'pipelines')
    await mkdir(sdk, { recursive: true })
    await writeFile(
      join(sdk, 'package.json'),
      JSON.stringify({
        name: '@steward/pipelines',
        version,
        exports: { './package.json': './package.json' },
      }),
    )
    const config = join(dir, 'steward.config.ts')
    await writeFile(config, 'export default {}\n')
    return config
  }

  it('names both versions when they differ', async () => {
    const config = await projectWithSdk('9.9.9')
    expect(() => assertSdkMatches(config)).toThrow(
      `this project has @steward/pipelines 9.9.9 (${join(dir as string, 'node_modules', '@steward', 'pipelines')}) but steward is ${cliVersion}`,
    )
  })

  it('accepts the same version, and the workspace’s own SDK', async () => {
    expect(() =>
      assertSdkMatches(join(import.meta.dirname, 'fixtures', 'partitioned', 'steward.config.ts')),
    ).not.toThrow()
    const config = await projectWithSdk(cliVersion)
    expect(() => assertSdkMatches(config)).not.toThrow()
  })
})
