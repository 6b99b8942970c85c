'use client';

import { memo, useEffect, useRef, type ReactNode } from 'react';
import type { ChatMessage, ToolPart } from '@/lib/chat';
import { describeTool } from '@/lib/tool-cards';

const ICON = { running: '…', ok: '✓', error: '!' } as const;

function ToolCardView({ part }: { part: ToolPart }) {
  const card = describeTool(part);
  return (
    <div className={`tool tool-${card.tone}`} data-tool={part.name} data-state={part.state}>
      <span className="tool-icon" aria-hidden="true">
        {ICON[card.tone]}
      </span>
      <span className="tool-verb">{card.verb}</span> <span className="tool-subject">{card.subject}</span>
      {card.detail && <span className="tool-detail">{card.detail}</span>}
    </div>
  );
}

const Message = memo(function Message({ message }: { message: ChatMessage }) {
  const assistant = message.role === 'assistant';
  const empty = message.parts.length === 0;
  return (
    <li className={`msg msg-${message.role}`} data-state={message.state}>
      <span className="msg-author">{assistant ? 'Assistant' : 'You'}</span>
      <div className="msg-body">
        {message.parts.map((part, i) =>
          part.kind === 'text' ? (
            <p key={i} className="msg-text">
              {part.text}
            </p>
          ) : (
            <ToolCardView key={part.id || i} part={part} />
          ),
        )}
        {assistant && empty && message.state === 'streaming' && (
          <p className="msg-thinking">
            <span className="dots" aria-hidden="true" />
            Thinking…
          </p>
        )}
        {message.state === 'stopped' && <p className="msg-note">Stopped</p>}
        {message.error && <p className="msg-error">{message.error}</p>}
      </div>
    </li>
  );
});

/**
 * The conversation. role="log" marks it as a log; its own live announcements are off because a
 * streamed reply would be read token by token. The parent announces each finished reply once.
 */
export function MessageList({ messages, busy, empty }: { messages: ChatMessage[]; busy: boolean; empty: ReactNode }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  useEffect(() => {
    const el = scroller.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  return (
    <div
      ref={scroller}
      className="log-scroll"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      }}
    >
      {messages.length === 0 && empty}
      <ol className="log" role="log" aria-label="Conversation" aria-live="off" aria-busy={busy}>
        {messages.map((m) => (
          <Message key={m.id} message={m} />
        ))}
      </ol>
    </div>
  );
}
