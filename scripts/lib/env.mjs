// The environment every script hands to its children: telemetry off, whatever the user set.
export function childEnv(extra = {}) {
  return {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    ...extra,
  }
}
