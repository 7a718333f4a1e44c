import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorStatus, type ErrorBody } from '@tripline/contracts';
import { RequestTimedOut } from '@tripline/kafka';
import type { Response } from 'express';

/**
 * The registry or the dispatcher did not answer in time: 503, retry later. The request may
 * still take effect, which is why every ask is idempotent. On the controllers that ask: a
 * controller's filter comes before the app's catch-all HttpErrorsFilter.
 */
@Catch(RequestTimedOut)
export class RequestTimedOutFilter implements ExceptionFilter {
  catch(exception: RequestTimedOut, host: ArgumentsHost): void {
    const body: ErrorBody = { error: 'unavailable', message: exception.message };
    host.switchToHttp().getResponse<Response>().status(errorStatus('unavailable')).json(body);
  }
}
