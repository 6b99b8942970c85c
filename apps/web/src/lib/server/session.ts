import type { NextRequest, NextResponse } from 'next/server';
import { env } from '../env';

export const SESSION_COOKIE = 'todo_session';
export const THEME_COOKIE = 'todo_theme';

/** Session lifetime of the cookie; the JWT inside carries its own expiry, checked by the API. */
const MAX_AGE_SECONDS = 7 * 24 * 3600;

/** Whether the browser reached us over HTTPS (directly or through a TLS-terminating ingress). */
function overHttps(req: NextRequest): boolean {
  const forwarded = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return (forwarded ?? req.nextUrl.protocol.replace(':', '')) === 'https';
}

export function setSession(req: NextRequest, res: NextResponse, token: string) {
  res.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    // a Secure cookie sent over plain http (a local cluster without TLS) would be dropped
    secure: env().FRONTEND_COOKIE_SECURE ?? overHttps(req),
    path: '/',
    maxAge: MAX_AGE_SECONDS,
  });
}

export function clearSession(res: NextResponse) {
  res.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0 });
}
