import type { TokenScope } from '@steward/db'
import { migrateToLatest } from '@steward/db'
import { createToken, listTokens, revokeToken, type TokenInfo, tokenScopes } from '@steward/usage'
import type { Command } from 'commander'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { out } from '../output/print.ts'

/**
 * `steward tokens create|list|revoke`: bearer tokens of the usage API, one per source. The new
 * token is printed once, alone on the last line, so a script can take it with `tail -n 1`.
 */
export function registerTokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('create, list and revoke API tokens for the usage API (one per source)')

  tokens
    .command('create')
    .description('create a token and print it once, on the last line')
    .requiredOption('--name <name>', 'what the token is for, e.g. looker-prod')
    .option(
      '--scope <scope...>',
      'ingest (send usage events), read (read series, cost, runs) and/or operate (start runs and backfills, send events, acknowledge incidents)',
      ['ingest'],
    )
    .action(async (options: { name: string; scope: string[] }) => {
      const scopes = options.scope.flatMap((s) => s.split(',')).map((s) => s.trim())
      const wrong = scopes.find((s) => !tokenScopes.includes(s as TokenScope))
      if (wrong !== undefined) {
        throw cliError('OPTION_INVALID', `--scope must be ingest, read or operate (got "${wrong}")`)
      }
      await withDatabase(async (db) => {
        const created = await createToken(db, { name: options.name, scopes: scopes as TokenScope[] })
        out(`created token ${created.name} (${created.id}) with scope ${created.scopes.join(', ')}.`)
        out('It is shown this once; Steward keeps only its hash. Send it as "Authorization: Bearer <token>":')
        out(created.token)
      })
    })

  tokens
    .command('list')
    .description('list tokens (never the tokens themselves)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const rows = await listTokens(db)
        if (options.json) {
          out(JSON.stringify(rows, null, 2))
          return
        }
        if (rows.length === 0) {
          out('no tokens yet: steward tokens create --name <source>')
          return
        }
        for (const row of rows) out(describe(row))
      })
    })

  tokens
    .command('revoke')
    .description('revoke a token by name or id; requests with it fail from then on')
    .argument('<name-or-id>', 'the name or id shown by steward tokens list')
    .action(async (nameOrId: string) => {
      await withDatabase(async (db) => {
        const revoked = await revokeToken(db, nameOrId)
        out(`revoked token ${revoked.name} (${revoked.id})`)
      })
    })
}

function describe(token: TokenInfo): string {
  const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'active'
  const used = token.lastUsedAt ? `last used ${token.lastUsedAt.toISOString()}` : 'never used'
  return `${token.name}  ${token.id}  ${token.scopes.join(',')}  ${state}  created ${token.createdAt.toISOString()}  ${used}`
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>) {
  const db = await openDatabase(readCliSettings(), { migrates: true })
  try {
    // Tokens may be the first thing made on a fresh database.
    await migrateToLatest(db.db)
    await work(db.db)
  } finally {
    await db.close()
  }
}
