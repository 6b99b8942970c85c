import type { Metadata, Viewport } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { THEME_COOKIE } from '@/lib/server/session';
import './globals.css';

export const metadata: Metadata = {
  title: 'Todo chat',
  description: 'Manage your todo list by talking to an assistant',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#ffffff' },
    { media: '(prefers-color-scheme: dark)', color: '#14161a' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // the theme choice is a cookie, so the server renders the right colours with no flash
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  const dataTheme = theme === 'light' || theme === 'dark' ? theme : undefined;
  return (
    <html lang="en" data-theme={dataTheme}>
      <body>{children}</body>
    </html>
  );
}
