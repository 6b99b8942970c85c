'use client';

import { LoadError } from '@/components/LoadError';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return <LoadError message="Something went wrong while showing this page." onRetry={reset} />;
}
