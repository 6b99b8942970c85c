import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { ChatApp } from '@/components/ChatApp';
import { LoadError } from '@/components/LoadError';
import { fromHistory } from '@/lib/chat';
import { apiGet, type ApiResult } from '@/lib/server/api';
import { SESSION_COOKIE, THEME_COOKIE } from '@/lib/server/session';
import type { AssistantKind, Conversation, StoredMessage, Todo, User } from '@/lib/types';

export const dynamic = 'force-dynamic';

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function Home({ searchParams }: { searchParams: Search }) {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (!token) redirect('/login');
  const c = (await searchParams).c;
  const conversationId = typeof c === 'string' && /^\d{1,10}$/.test(c) ? Number(c) : null;

  const [me, todos, conversations, conversation] = await Promise.all([
    apiGet<{ user: User; assistant: AssistantKind }>('/api/auth/me', token),
    apiGet<{ items: Todo[] }>('/api/todos?status=all&limit=100', token),
    apiGet<{ items: Conversation[] }>('/api/conversations?limit=50', token),
    conversationId
      ? apiGet<{ conversation: Conversation; messages: StoredMessage[] }>(`/api/conversations/${conversationId}`, token)
      : Promise.resolve(undefined),
  ]);
  const results: ApiResult<unknown>[] = [me, todos, conversations];
  if (results.some((r) => !r.ok && r.status === 401)) redirect('/login?expired=1');
  const failed = results.find((r): r is Extract<ApiResult<unknown>, { ok: false }> => !r.ok);
  if (failed || !me.ok || !todos.ok || !conversations.ok) {
    return <LoadError message={failed?.message ?? 'Could not load your data.'} />;
  }
  // a conversation that no longer exists (deleted, or someone else's) just opens a new one
  const open = conversation?.ok ? conversation.data : undefined;
  const theme = jar.get(THEME_COOKIE)?.value;
  return (
    <ChatApp
      user={me.data.user}
      assistant={me.data.assistant}
      initialTodos={todos.data.items}
      initialConversations={conversations.data.items.map(({ id, title }) => ({ id, title }))}
      initialConversationId={open ? open.conversation.id : null}
      initialMessages={open ? fromHistory(open.messages) : []}
      initialTheme={theme === 'light' || theme === 'dark' ? theme : 'system'}
    />
  );
}
