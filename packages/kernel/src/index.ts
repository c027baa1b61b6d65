// The kernel: what every Steward package shares. It imports nothing of ours and no third-party
// package, so the SDK that definitions import stays light.
export { isStewardError, StewardError } from './errors/steward-error.ts'
export { redactUrl } from './text/redact-url.ts'
export {
  type Duration,
  type DurationErrorCode,
  type DurationUnit,
  durationMs,
  parseDuration,
  readDuration,
} from './time/duration.ts'
