'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';

/** A full-page error (API down while loading the page) with a retry that reloads the data. */
export function LoadError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <main className="center-page">
      <div className="card" role="alert">
        <h1>Can’t load the chat</h1>
        <p>{message}</p>
        <p className="muted">Your tasks are safe; this is usually temporary.</p>
        <div className="row">
          <button
            type="button"
            className="btn primary"
            disabled={pending}
            onClick={() => (onRetry ? onRetry() : startTransition(() => router.refresh()))}
          >
            {pending ? 'Retrying…' : 'Retry'}
          </button>
          <form
            action="/api/auth/logout"
            method="post"
            onSubmit={async (e) => {
              e.preventDefault();
              await fetch('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
              window.location.assign('/login');
            }}
          >
            <button type="submit" className="btn">
              Log out
            </button>
          </form>
        </div>
      </div>
    </main>
  );
}
