import { AuthForm } from '@/components/AuthForm';

export const metadata = { title: 'Sign up · Todo chat' };

export default function SignupPage() {
  return <AuthForm mode="signup" />;
}
