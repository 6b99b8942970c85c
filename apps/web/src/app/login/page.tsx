import { AuthForm } from '@/components/AuthForm';

export const metadata = { title: 'Log in · Todo chat' };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function LoginPage({ searchParams }: { searchParams: Search }) {
  const expired = (await searchParams).expired === '1';
  return <AuthForm mode="login" notice={expired ? 'Your session has ended. Please log in again.' : undefined} />;
}
