/**
 * How fast the access-log generator is: `npx tsx examples/scripts/measure-generator.ts`. Generates a
 * week of days (the first warms the JIT up) and prints lines and milliseconds per day.
 */
import { generateAccessLogs } from '../src/access-logs/generate-access-logs.ts'

const days = [
  '2026-11-01',
  '2026-11-02',
  '2026-11-03',
  '2026-11-04',
  '2026-11-05',
  '2026-11-06',
  '2026-11-07',
]
for (const day of days) {
  const started = performance.now()
  const lines = generateAccessLogs({ seed: 7, day })
  const generated = performance.now() - started
  let bytes = 0
  for (const line of lines) bytes += JSON.stringify(line).length + 1
  const total = performance.now() - started
  console.log(
    `${day}: ${lines.length} lines, ${(bytes / 1e6).toFixed(1)} MB, generate ${generated.toFixed(0)} ms, with JSON ${total.toFixed(0)} ms`,
  )
}
