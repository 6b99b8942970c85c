/** Next calls register() once when the server process starts (not during `next build`). */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startNodeServices } = await import('./lib/server/startup');
    await startNodeServices();
  }
}
