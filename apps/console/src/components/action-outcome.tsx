import type { ApiError } from '../api/api-error';
import { ErrorNotice } from './error-notice';

/** How a page's last write (or its list's read) ended: the API's refusal, or the outcome's message. */
export function ActionOutcome({ error, done }: { error: ApiError | null; done: string | null }) {
  return (
    <>
      <ErrorNotice error={error} />
      {done && (
        <p className="notice notice-done" role="status">
          {done}
        </p>
      )}
    </>
  );
}
