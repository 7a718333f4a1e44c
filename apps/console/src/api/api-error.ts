/** One bad field of a request, by its path (`events[2].data.status`). */
export interface Issue {
  path: string;
  message: string;
}

/**
 * A refused or failed API call, as the console shows it: the API's own message (its errors are
 * `{error, message, issues?}`), its code, and each bad field. `status` 0: no answer at all.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isIssue(value: unknown): value is Issue {
  return typeof value === 'object' && value !== null && typeof (value as Issue).path === 'string' && typeof (value as Issue).message === 'string';
}

/** The error an answer's status and body make; a body that is not the API's (a proxy's page) is summed up, never rendered. */
export function apiError(status: number, body: unknown): ApiError {
  if (typeof body === 'object' && body !== null) {
    const { error, message, issues } = body as Record<string, unknown>;
    if (typeof error === 'string' && typeof message === 'string') {
      return new ApiError(status, error, message, Array.isArray(issues) ? issues.filter(isIssue) : []);
    }
  }
  const text = typeof body === 'string' ? body.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
  return new ApiError(status, `http_${status}`, `the gateway answered HTTP ${status}${text && !text.startsWith('<') ? `: ${text}` : ''}`);
}

/** The call never got an answer: the gateway is down, or the network between. */
export function unreachable(cause: unknown): ApiError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, 'unreachable', `the gateway could not be reached (${detail}); check that it is running and retry`);
}

/** Any error a page meets, as an ApiError, so the error display has one shape to show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'console', error instanceof Error ? error.message : String(error));
}
