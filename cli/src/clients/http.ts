/**
 * A plain HTTP GET for endpoints todoctl reaches through a port-forward (metrics). The only
 * module that opens HTTP connections for the CLI's actions, so unit tests replace one thing.
 */
export async function httpGet(url: string, o: { timeoutMs: number }): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(o.timeoutMs), redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}
