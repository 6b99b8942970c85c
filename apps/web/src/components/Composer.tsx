'use client';

import { forwardRef, useState, type KeyboardEvent } from 'react';

interface Props {
  busy: boolean;
  onSend: (text: string) => boolean;
  onStop: () => void;
}

/** Enter sends, Shift+Enter adds a line. While a reply streams, Send is replaced by Stop. */
export const Composer = forwardRef<HTMLTextAreaElement, Props>(function Composer({ busy, onSend, onStop }, ref) {
  const [text, setText] = useState('');

  function send() {
    if (busy || !text.trim()) return;
    if (onSend(text)) setText('');
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    // isComposing: Enter that confirms an IME candidate must not send
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'Escape' && busy) {
      e.preventDefault();
      onStop();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer-input" className="sr-only">
        Message the assistant
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        rows={Math.min(6, Math.max(1, text.split('\n').length))}
        maxLength={4000}
        placeholder="Message the assistant…"
        aria-describedby="composer-hint"
        autoFocus
      />
      <span id="composer-hint" className="sr-only">
        Enter sends, Shift+Enter adds a new line{busy ? ', Escape stops the reply' : ''}.
      </span>
      {/* distinct keys: React must not turn the clicked Stop button into a submit button while the
          click is still being dispatched, or the browser would submit the form (a double send) */}
      {busy ? (
        <button
          key="stop"
          type="button"
          className="btn danger"
          onClick={(e) => {
            e.preventDefault();
            onStop();
          }}
        >
          Stop
        </button>
      ) : (
        <button key="send" type="submit" className="btn primary" disabled={!text.trim()}>
          Send
        </button>
      )}
    </form>
  );
});
