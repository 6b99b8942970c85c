import type { NextRequest } from 'next/server';
import { jsonError, proxy } from '@/lib/server/proxy';

type Ctx = { params: Promise<{ id: string }> };

const handler = async (req: NextRequest, { params }: Ctx) => {
  const { id } = await params;
  if (!/^\d{1,10}$/.test(id)) return jsonError(404, 'not_found', 'no such conversation');
  return proxy(req, `/api/conversations/${id}`, { route: '/api/conversations/:id', auth: true });
};

export { handler as GET, handler as DELETE };
