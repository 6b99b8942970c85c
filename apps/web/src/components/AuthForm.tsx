'use client';

import Link from 'next/link';
import { useId, useState, type FormEvent } from 'react';

/** Sign-up and log-in form; on success the server has set the session cookie. */
export function AuthForm({ mode, notice }: { mode: 'login' | 'signup'; notice?: string | undefined }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const signup = mode === 'signup';

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/auth/${mode}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
      });
      if (res.ok) {
        window.location.assign('/');
        return;
      }
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      const message = body?.error?.message ?? `request failed (${res.status})`;
      setError(res.status >= 500 ? `${message} Try again in a moment.` : message);
    } catch {
      setError('Could not reach the server. Check your connection and try again.');
    }
    setBusy(false);
  }

  return (
    <main className="center-page">
      <form className="card auth" onSubmit={submit} noValidate={false} aria-describedby={error ? `${id}-error` : undefined}>
        <h1>{signup ? 'Create your account' : 'Log in'}</h1>
        <p className="muted">Talk to the assistant and watch your todo list change.</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <label htmlFor={`${id}-email`}>Email</label>
        <input id={`${id}-email`} name="email" type="email" autoComplete="email" required autoFocus />
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          minLength={8}
          required
          aria-describedby={signup ? `${id}-hint` : undefined}
        />
        {signup && (
          <p id={`${id}-hint`} className="hint">
            At least 8 characters.
          </p>
        )}
        {error && (
          <p id={`${id}-error`} className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn primary" disabled={busy}>
          {busy ? 'Please wait…' : signup ? 'Sign up' : 'Log in'}
        </button>
        <p className="switch">
          {signup ? (
            <>
              Have an account? <Link href="/login">Log in</Link>
            </>
          ) : (
            <>
              New here? <Link href="/signup">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
