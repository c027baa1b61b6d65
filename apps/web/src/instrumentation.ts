/**
 * Next.js runs this once when the server starts, in each runtime it builds for. Everything Steward
 * does here needs Node (settings, the database, timers), so it is imported only in the Node
 * runtime: a static import would compile the database into the Edge bundle too, with a warning
 * for every Node API it meets.
 */
export async function register(): Promise<void> {
  // biome-ignore lint/style/noProcessEnv: env.ts would pull the settings into the Edge bundle.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  await (await import('./server/start-server.ts')).startServer()
}
