// Builds the web UI for production with the same check `steward dev` and `steward start --role web`
// make at start (ensureWebBuild: skipped when the UI's sources have not changed since the last
// build). The Dockerfile runs it at image build time, so a container's web role starts at once.
const { register } = await import('tsx/esm/api')
register()
const { ensureWebBuild, findWebApp } = await import('@steward/cli')
await ensureWebBuild(findWebApp(), { log: (line) => console.log(line) })
