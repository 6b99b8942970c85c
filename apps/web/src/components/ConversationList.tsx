'use client';

import { useEffect, useRef, useState } from 'react';
import type { Conversation } from '@/lib/types';

interface Props {
  conversations: Pick<Conversation, 'id' | 'title'>[];
  currentId: number | null;
  loadingId: number | null;
  onSelect: (id: number) => void;
  onNew: () => void;
  onDelete: (id: number) => Promise<boolean>;
}

function Item({
  c,
  current,
  loading,
  onSelect,
  onDelete,
}: { c: Pick<Conversation, 'id' | 'title'>; current: boolean; loading: boolean } & Pick<Props, 'onSelect' | 'onDelete'>) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const title = c.title || `Conversation ${c.id}`;
  useEffect(() => {
    if (confirming) cancel.current?.focus();
  }, [confirming]);

  return (
    <li className="history-row">
      <button
        type="button"
        className="history-item"
        aria-current={current ? 'page' : undefined}
        aria-busy={loading}
        onClick={() => onSelect(c.id)}
        title={c.title}
      >
        {title}
      </button>
      {confirming ? (
        <span className="history-confirm" role="group" aria-label={`Delete conversation “${title}”?`}>
          <button
            type="button"
            className="btn small danger"
            onClick={async () => {
              if (!(await onDelete(c.id))) setConfirming(false);
            }}
          >
            Delete
          </button>
          <button ref={cancel} type="button" className="btn small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      ) : (
        <button
          type="button"
          className="btn small ghost history-delete"
          aria-label={`Delete conversation “${title}”`}
          onClick={() => setConfirming(true)}
        >
          <span aria-hidden="true">✕</span>
        </button>
      )}
    </li>
  );
}

export function ConversationList({ conversations, currentId, loadingId, onSelect, onNew, onDelete }: Props) {
  return (
    <>
      <button type="button" className="btn primary wide" onClick={onNew}>
        + New conversation
      </button>
      <h2 className="panel-title">History</h2>
      {conversations.length === 0 ? (
        <p className="muted small">No conversations yet.</p>
      ) : (
        <ul className="history-list">
          {conversations.map((c) => (
            <Item
              key={c.id}
              c={c}
              current={c.id === currentId}
              loading={c.id === loadingId}
              onSelect={onSelect}
              onDelete={onDelete}
            />
          ))}
        </ul>
      )}
    </>
  );
}
