import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ErrorCode, errorStatus, type ErrorBody } from '@tripline/contracts';
import type { Response } from 'express';

/**
 * One error shape for every HTTP answer: `{error, message, issues?}`, `error` a code of the
 * catalogue (ERROR_CATALOGUE). Unexpected errors are logged with their stack and answered 500
 * without internals.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      answer(res, status, typeof body === 'string' ? { error: codeFor(status), message: body } : normalize(status, body));
      return;
    }
    // Kafka (or the database) unreachable: nothing was accepted, and a retry later can succeed.
    if (isUnavailable(exception)) {
      this.logger.warn(`unavailable: ${(exception as Error).message}`);
      res.setHeader('retry-after', '5');
      answer(res, errorStatus('unavailable'), { error: 'unavailable', message: 'a backing service (Kafka or Postgres) is unavailable; retry the request' });
      return;
    }
    // body-parser's errors (malformed JSON, too large) carry a status of their own.
    const status = (exception as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      answer(res, status, { error: codeFor(status), message: (exception as Error).message });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    answer(res, errorStatus('internal'), { error: 'internal', message: 'internal error' });
  }
}

function answer(res: Response, status: number, body: ErrorBody): void {
  res.status(status).json(body);
}

/** Our bodies (a catalogue code) pass as they are; any other (Nest's `{statusCode, error: 'Not Found'}`) is named by its status. */
function normalize(status: number, body: object): ErrorBody {
  const b = body as { error?: unknown; message?: unknown };
  if (ErrorCode.safeParse(b.error).success) return body as ErrorBody;
  return { error: codeFor(status), message: (Array.isArray(b.message) ? b.message.join('; ') : b.message) as string };
}

/** The code of an error that brought none; a status without a code of its own keeps its status. */
function codeFor(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 413:
      return 'payload_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'bad_request';
  }
}

function isUnavailable(exception: unknown): boolean {
  const name = (exception as { name?: string })?.name ?? '';
  // A broker the producer cannot reach (Unavailable), kafkajs' connection and retry errors, and
  // Prisma's "can't reach the database".
  return name === 'Unavailable' || /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|NonRetriable|Broker|Protocol|Error)/.test(name) || (exception as { code?: string })?.code === 'P1001';
}
