import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** packages/cli, from this file's place in it (the CLI runs from source, so this holds). */
const cliDir = fileURLToPath(new URL('..', import.meta.url))

/** Where the pieces `steward dev` starts live, in a Steward checkout. */
export const repoPaths = {
  root: resolve(cliDir, '../..'),
  webApp: resolve(cliDir, '../../apps/web'),
  /** The repo's own Next.js, so `steward dev` needs nothing installed globally. */
  nextBin: resolve(cliDir, '../../node_modules/.bin/next'),
}
