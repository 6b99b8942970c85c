import { env } from '@/lib/env';

export const dynamic = 'force-dynamic';

/** Readiness: the API answers its own /readyz. */
export async function GET() {
  const url = new URL('/readyz', env().FRONTEND_API_URL);
  let api: { reachable: boolean; ready: boolean } = { reachable: false, ready: false };
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000), cache: 'no-store' });
    api = { reachable: true, ready: res.ok };
  } catch {
    // unreachable: reported below
  }
  const ready = api.ready;
  return Response.json(
    { status: ready ? 'ready' : 'not_ready', checks: { api: api.reachable, api_ready: api.ready } },
    { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
