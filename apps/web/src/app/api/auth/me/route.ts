import type { NextRequest } from 'next/server';
import { proxy } from '@/lib/server/proxy';

export const GET = (req: NextRequest) => proxy(req, '/api/auth/me', { route: '/api/auth/me', auth: true });
