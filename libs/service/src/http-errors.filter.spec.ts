import { ArgumentsHost, ConflictException, HttpException, Logger, NotFoundException, ParseUUIDPipe } from '@nestjs/common';
import { ErrorBody } from '@tripline/contracts';
import { HttpError } from './http-error';
import { HttpErrorsFilter } from './http-errors.filter';

interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** What the filter answers for `exception`, as a client would see it. */
function answerTo(exception: unknown): Answer {
  const answer: Answer = { headers: {} };
  const res = {
    status(code: number) {
      answer.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      answer.headers[name] = value;
      return res;
    },
    json(body: unknown) {
      answer.body = JSON.parse(JSON.stringify(body));
      return res;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
  new HttpErrorsFilter().catch(exception, host);
  return answer;
}

describe('HttpErrorsFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers an HttpError with its code, its status and its details', () => {
    const answer = answerTo(new HttpError('event_too_large', 'events[0]: too big', { limit: 10, issues: [{ path: 'events[0]', message: 'too big' }] }));
    expect(answer).toMatchObject({ status: 413, body: { error: 'event_too_large', message: 'events[0]: too big', limit: 10, issues: [{ path: 'events[0]' }] } });
  });

  it('gives every error a catalogue code, whatever threw it', async () => {
    const kafkaDown = Object.assign(new Error('connection refused'), { name: 'KafkaJSConnectionError' });
    const malformedJson = Object.assign(new SyntaxError('Unexpected token } in JSON'), { status: 400 });
    const tooLarge = Object.assign(new Error('request entity too large'), { status: 413 });
    const badUuid = await new ParseUUIDPipe().transform('nope', { type: 'param' }).catch((e: unknown) => e);
    const cases: Array<[unknown, number, string]> = [
      [new NotFoundException('Cannot GET /v1/nope'), 404, 'not_found'],
      [new HttpException({ error: 'Not Found', message: 'x' }, 404), 404, 'not_found'],
      // a lower-case code that is not ours is not passed on
      [new HttpException({ error: 'teapot', message: 'x' }, 418), 418, 'bad_request'],
      // a 4xx with no code of its own keeps its status
      [new ConflictException('taken'), 409, 'bad_request'],
      [badUuid, 400, 'bad_request'],
      [malformedJson, 400, 'bad_request'],
      [tooLarge, 413, 'payload_too_large'],
      [kafkaDown, 503, 'unavailable'],
      [new Error('a bug'), 500, 'internal'],
    ];
    for (const [exception, status, code] of cases) {
      const answer = answerTo(exception);
      expect([answer.status, (answer.body as { error: string }).error]).toEqual([status, code]);
      expect(ErrorBody.safeParse(answer.body).error).toBeUndefined();
    }
  });

  it('asks the client to come back when a backing service is down, and hides internals from a 500', () => {
    const down = answerTo(Object.assign(new Error('Connection refused to 127.0.0.1:9092'), { name: 'KafkaJSNumberOfRetriesExceeded' }));
    expect(down.headers['retry-after']).toBe('5');
    expect(JSON.stringify(down.body)).not.toContain('9092');
    expect(answerTo(new Error('pool exhausted at db.ts:42')).body).toEqual({ error: 'internal', message: 'internal error' });
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('pool exhausted at db.ts:42'));
  });
});
