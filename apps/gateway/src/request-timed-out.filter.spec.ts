import type { ArgumentsHost } from '@nestjs/common';
import { RequestTimedOut } from '@tripline/kafka';
import { RequestTimedOutFilter } from './request-timed-out.filter';

describe('RequestTimedOutFilter: the gateway answers a request libs/kafka gave up on', () => {
  it('with 503 unavailable, naming the service that did not answer and the wait', () => {
    const answered: { status?: number; body?: unknown } = {};
    const res = {
      status(code: number) {
        answered.status = code;
        return res;
      },
      json(body: unknown) {
        answered.body = body;
        return res;
      },
    };
    const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;

    new RequestTimedOutFilter().catch(new RequestTimedOut('dispatcher', 2_000), host);

    expect(answered).toEqual({ status: 503, body: { error: 'unavailable', message: 'the dispatcher did not answer within 2000 ms; retry the request' } });
  });
});
