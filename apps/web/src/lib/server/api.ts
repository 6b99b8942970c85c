import { env } from '../env';

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; code: string; message: string };

/** Server-side GET against the API with the session's JWT (used to render pages with data). */
export async function apiGet<T>(path: string, token: string): Promise<ApiResult<T>> {
  const config = env();
  try {
    const res = await fetch(new URL(path, config.FRONTEND_API_URL), {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(config.FRONTEND_API_TIMEOUT_MS),
      cache: 'no-store',
    });
    const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (!res.ok) {
      return {
        ok: false,
        status: res.status,
        code: body?.error?.code ?? `http_${res.status}`,
        message: body?.error?.message ?? res.statusText,
      };
    }
    return { ok: true, data: body as T };
  } catch {
    return { ok: false, status: 502, code: 'api_unreachable', message: 'The todo service is unreachable.' };
  }
}
