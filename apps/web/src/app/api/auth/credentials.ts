import { NextResponse, type NextRequest } from 'next/server';
import { isObject } from '@/lib/types';
import { proxy } from '@/lib/server/proxy';
import { setSession } from '@/lib/server/session';

/** Signup and login: the API's JWT goes into the httpOnly cookie; the browser only sees the user. */
export function credentialsRoute(kind: 'signup' | 'login') {
  return (req: NextRequest) =>
    proxy(req, `/api/auth/${kind}`, {
      route: `/api/auth/${kind}`,
      transform: (status, body) => {
        if (status >= 200 && status < 300 && isObject(body) && typeof body.token === 'string' && isObject(body.user)) {
          const response = NextResponse.json({ user: body.user }, { status, headers: { 'cache-control': 'no-store' } });
          setSession(req, response, body.token);
          return { response };
        }
        return {
          response: NextResponse.json(body ?? { error: { code: 'bad_gateway', message: 'unexpected answer from the API' } }, {
            status,
          }),
        };
      },
    });
}
