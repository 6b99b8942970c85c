import type { NextRequest } from 'next/server';
import { proxy } from '@/lib/server/proxy';

export const GET = (req: NextRequest) => proxy(req, '/api/conversations', { route: '/api/conversations', auth: true });
