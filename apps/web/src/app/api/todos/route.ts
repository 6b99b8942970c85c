import type { NextRequest } from 'next/server';
import { proxy } from '@/lib/server/proxy';

export const GET = (req: NextRequest) => proxy(req, '/api/todos', { route: '/api/todos', auth: true });
export const POST = (req: NextRequest) => proxy(req, '/api/todos', { route: '/api/todos', auth: true });
