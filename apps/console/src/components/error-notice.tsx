import type { ApiError } from '../api/api-error';

/** The API's own message when a call fails, each bad field, and the code to look up (README, HTTP API). */
export function ErrorNotice({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{error.status === 0 ? 'No answer' : 'Refused'}:</strong> {error.message}
      </p>
      {error.issues.length > 0 && (
        <ul>
          {error.issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        <code>{error.code}</code>
        {error.status > 0 && <> · HTTP {error.status}</>}
      </p>
    </div>
  );
}
