'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { ChatSession, fromHistory, isBusy, type ChatMessage } from '@/lib/chat';
import { TodoStore } from '@/lib/todos';
import type { AssistantKind, Conversation, StoredMessage, Todo, User } from '@/lib/types';
import { Composer } from './Composer';
import { ConversationList } from './ConversationList';
import { MessageList } from './MessageList';
import { ThemeToggle, type Theme } from './ThemeToggle';
import { TodoPanel } from './TodoPanel';

interface Props {
  user: User;
  assistant: AssistantKind;
  initialTodos: Todo[];
  initialConversations: Pick<Conversation, 'id' | 'title'>[];
  initialConversationId: number | null;
  initialMessages: ChatMessage[];
  initialTheme: Theme;
}

const browserFetch = (input: string, init?: RequestInit) => fetch(input, init);

function toLogin() {
  window.location.assign('/login?expired=1');
}

const SUGGESTIONS = ['add buy milk tomorrow', "what's on my list", 'mark the milk one done'];

export function ChatApp(props: Props) {
  const [conversations, setConversations] = useState(props.initialConversations);
  const [drawer, setDrawer] = useState<'none' | 'tasks' | 'history'>('none');
  const [loadingId, setLoadingId] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<{ id: number; message: string; retry: () => void } | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const focusInput = () => requestAnimationFrame(() => input.current?.focus());

  const [todos] = useState(() => new TodoStore(browserFetch, props.initialTodos, toLogin));
  const [chat] = useState(() => {
    const session = new ChatSession({
      fetch: browserFetch,
      onToolResult: (e) => todos.applyToolResult(e),
      onConversation: (e) => {
        setConversations((list) => [
          { id: e.conversation_id, title: e.title },
          ...list.filter((c) => c.id !== e.conversation_id),
        ]);
        window.history.replaceState(null, '', `/?c=${e.conversation_id}`);
      },
      onSettled: (s) => {
        if (s.error?.code === 'unauthorized') toLogin();
        // the reply may have changed tasks in ways the events do not show (a failed round); resync quietly
        void todos.reload();
      },
    });
    session.load(props.initialConversationId, props.initialMessages);
    return session;
  });
  const state = useSyncExternalStore(chat.subscribe, chat.getState, chat.getState);
  const busy = isBusy(state);

  const historyToggle = useRef<HTMLButtonElement>(null);
  const tasksToggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (drawer === 'none') return;
    // a drawer (narrow screens) takes focus when it opens and gives it back to its button on Escape
    const panel = document.getElementById(drawer === 'tasks' ? 'tasks-panel' : 'history-panel');
    const toggle = drawer === 'tasks' ? tasksToggle : historyToggle;
    if (panel && toggle.current && getComputedStyle(toggle.current).display !== 'none') {
      requestAnimationFrame(() => panel.querySelector<HTMLElement>('input, button')?.focus());
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setDrawer('none');
      toggle.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [drawer]);

  const send = useCallback(
    (text: string) => {
      const sent = chat.send(text);
      focusInput();
      return sent;
    },
    [chat],
  );

  const stop = useCallback(() => {
    chat.stop();
    focusInput();
  }, [chat]);

  async function openConversation(id: number) {
    setDrawer('none');
    if (id === state.conversationId && !loadError) return;
    setLoadingId(id);
    setLoadError(null);
    try {
      const res = await fetch(`/api/conversations/${id}`);
      if (res.status === 401) return toLogin();
      if (!res.ok) throw new Error(`status ${res.status}`);
      const body = (await res.json()) as { messages: StoredMessage[] };
      chat.load(id, fromHistory(body.messages));
      window.history.replaceState(null, '', `/?c=${id}`);
      focusInput();
    } catch {
      setLoadError({ id, message: 'Could not open that conversation.', retry: () => void openConversation(id) });
    } finally {
      setLoadingId(null);
    }
  }

  async function deleteConversation(id: number): Promise<boolean> {
    setLoadError(null);
    try {
      const res = await fetch(`/api/conversations/${id}`, { method: 'DELETE' });
      if (res.status === 401) {
        toLogin();
        return false;
      }
      // 404: already gone, which is what was asked for
      if (!res.ok && res.status !== 404) throw new Error(`status ${res.status}`);
    } catch {
      setLoadError({ id, message: 'Could not delete that conversation.', retry: () => void deleteConversation(id) });
      return false;
    }
    setConversations((list) => list.filter((c) => c.id !== id));
    if (chat.getState().conversationId === id) newConversation();
    return true;
  }

  function newConversation() {
    setDrawer('none');
    setLoadError(null);
    chat.load(null, []);
    window.history.replaceState(null, '', '/');
    focusInput();
  }

  async function logout() {
    await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    window.location.assign('/login');
  }

  const empty = (
    <div className="empty-chat">
      <h2>What needs doing?</h2>
      <p className="muted">Tell the assistant about your tasks. Try:</p>
      <ul className="suggestions">
        {SUGGESTIONS.map((s) => (
          <li key={s}>
            <button type="button" className="btn ghost suggestion" disabled={busy} onClick={() => send(s)}>
              {s}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );

  return (
    <div className="app" data-drawer={drawer}>
      <a href="#composer-input" className="skip-link">
        Skip to message input
      </a>
      <header className="topbar">
        <button
          ref={historyToggle}
          type="button"
          className="btn ghost only-narrow-history"
          aria-expanded={drawer === 'history'}
          aria-controls="history-panel"
          onClick={() => setDrawer(drawer === 'history' ? 'none' : 'history')}
        >
          History
        </button>
        <h1 className="brand">Todo chat</h1>
        <span className="user" title={props.user.email}>
          {props.user.email}
        </span>
        <ThemeToggle initial={props.initialTheme} />
        <button
          ref={tasksToggle}
          type="button"
          className="btn ghost only-narrow-tasks"
          aria-expanded={drawer === 'tasks'}
          aria-controls="tasks-panel"
          onClick={() => setDrawer(drawer === 'tasks' ? 'none' : 'tasks')}
        >
          Tasks
        </button>
        <button type="button" className="btn ghost" onClick={logout}>
          Log out
        </button>
      </header>

      <nav id="history-panel" className={`history${drawer === 'history' ? ' open' : ''}`} aria-label="Conversations">
        <ConversationList
          conversations={conversations}
          currentId={state.conversationId}
          loadingId={loadingId}
          onSelect={(id) => void openConversation(id)}
          onNew={newConversation}
          onDelete={deleteConversation}
        />
      </nav>

      <main className="chat" aria-label="Chat">
        {props.assistant === 'offline' && (
          <p className="banner notice" data-testid="offline-notice">
            Offline assistant: no AI provider is configured, so it understands a few commands: &ldquo;add buy milk
            tomorrow&rdquo;, &ldquo;what&rsquo;s on my list&rdquo;, &ldquo;mark the milk one done&rdquo;, &ldquo;delete buy
            milk&rdquo;, &ldquo;rename 2 to &hellip;&rdquo;.
          </p>
        )}
        {loadError && (
          <div className="banner error" role="alert">
            <span>{loadError.message}</span>
            <button type="button" className="btn small" onClick={loadError.retry}>
              Retry
            </button>
          </div>
        )}
        <MessageList messages={state.messages} busy={busy} empty={empty} />
        {state.status === 'error' && state.error && (
          <div className="banner error" role="alert">
            <span>{state.error.message}</span>
            <button
              type="button"
              className="btn small"
              onClick={() => {
                chat.retry();
                focusInput();
              }}
            >
              Retry
            </button>
          </div>
        )}
        <Composer ref={input} busy={busy} onSend={send} onStop={stop} />
      </main>

      <aside id="tasks-panel" className={`tasks${drawer === 'tasks' ? ' open' : ''}`} aria-label="Tasks">
        <TodoPanel
          store={todos}
          onClose={() => {
            setDrawer('none');
            tasksToggle.current?.focus();
          }}
        />
      </aside>
      {drawer !== 'none' && <div className="scrim" aria-hidden="true" onClick={() => setDrawer('none')} />}

      <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {state.announcement}
      </div>
    </div>
  );
}
