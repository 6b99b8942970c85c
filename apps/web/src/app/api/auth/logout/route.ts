import { NextResponse } from 'next/server';
import { clearSession } from '@/lib/server/session';

export function POST() {
  const res = NextResponse.json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
  clearSession(res);
  return res;
}
