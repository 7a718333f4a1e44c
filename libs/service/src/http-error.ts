import { HttpException } from '@nestjs/common';
import { errorStatus, type ErrorBody, type ErrorCode, type ErrorDetails } from '@tripline/contracts';

/**
 * An error answer named by a code of the catalogue (ERROR_CATALOGUE): the status is the code's,
 * so the two cannot disagree, and a code that is not in the catalogue does not compile.
 */
export class HttpError extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
  ) {
    super({ error: code, message, ...details } satisfies ErrorBody, errorStatus(code));
  }
}
