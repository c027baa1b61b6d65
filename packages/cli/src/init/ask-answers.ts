import { createInterface } from 'node:readline/promises'
import type { InitAnswers } from './project-names.ts'

/** Asks for the product's name and its owner on the terminal; an empty answer takes the default. */
export async function askAnswers(defaults: InitAnswers): Promise<InitAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    const productName = (await rl.question(`Product name (${defaults.productName}): `)).trim()
    const owner = (
      await rl.question(`Owning team, alerts go to #<team> in Slack (${defaults.owner}): `)
    ).trim()
    return { productName: productName || defaults.productName, owner: owner || defaults.owner }
  } finally {
    rl.close()
  }
}
