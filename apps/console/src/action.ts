import { useState } from 'react';
import { asApiError, type ApiError } from './api/api-error';

/**
 * One write a page makes (re-enable, resend, rotate…): whether it is running, its error, and the
 * message of its outcome, so each page shows them the same way.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function run(work: () => Promise<string | null>): Promise<void> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await work());
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, done, run };
}
