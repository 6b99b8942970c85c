import type { NextRequest } from 'next/server';
import { proxy } from '@/lib/server/proxy';

// a stream must never be cached or pre-rendered
export const dynamic = 'force-dynamic';

export const POST = (req: NextRequest) => proxy(req, '/api/chat', { route: '/api/chat', auth: true, stream: true });
