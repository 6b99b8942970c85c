'use client';

import { useState } from 'react';

export type Theme = 'system' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Cycles system → light → dark. The choice is a cookie so the server renders it without a flash. */
export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  function change() {
    const next = NEXT[theme];
    setTheme(next);
    if (next === 'system') {
      delete document.documentElement.dataset.theme;
      document.cookie = 'todo_theme=; path=/; max-age=0; samesite=lax';
    } else {
      document.documentElement.dataset.theme = next;
      document.cookie = `todo_theme=${next}; path=/; max-age=31536000; samesite=lax`;
    }
  }
  return (
    <button
      type="button"
      className="btn ghost"
      onClick={change}
      aria-label={`Theme: ${LABEL[theme]}. Switch to ${LABEL[NEXT[theme]]}`}
    >
      <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>
      <span className="theme-label"> {LABEL[theme]}</span>
    </button>
  );
}
