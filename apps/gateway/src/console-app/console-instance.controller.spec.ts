import type { Request } from 'express';
import { ConsoleInstanceController } from './console-instance.controller';

describe("the console's instance URL", () => {
  const request = { protocol: 'http', host: 'tripline.intranet:3000' } as Request;

  it('is TRIPLINE_PUBLIC_URL when set, without a trailing slash (as a connection wants it)', () => {
    const controller = new ConsoleInstanceController({ TRIPLINE_PUBLIC_URL: 'https://tripline.contoso.example/api/' });
    expect(controller.instance(request)).toEqual({ publicUrl: 'https://tripline.contoso.example/api', publicUrlSource: 'configured' });
  });

  it('is the address the request came to when unset, not a loopback default', () => {
    const controller = new ConsoleInstanceController({ TRIPLINE_PUBLIC_URL: undefined });
    expect(controller.instance(request)).toEqual({ publicUrl: 'http://tripline.intranet:3000', publicUrlSource: 'request' });
  });
});
