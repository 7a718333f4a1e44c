import { InvalidEnvironmentError } from '@tripline/config';
import { loadGatewayEnv } from '../gateway.env';
import { DEFAULT_SERVICE_URLS, serviceUrls } from './service-urls';

describe('TRIPLINE_SERVICE_URLS', () => {
  it('defaults to the local stack', () => {
    expect(serviceUrls.parse(undefined)).toEqual(DEFAULT_SERVICE_URLS);
    expect(serviceUrls.parse('')).toEqual(DEFAULT_SERVICE_URLS);
  });

  it('takes name=url entries, keeping the defaults of the services it leaves out', () => {
    expect(serviceUrls.parse(' registry=http://registry:3002 , dispatcher=https://dispatch.internal/')).toEqual({
      ...DEFAULT_SERVICE_URLS,
      registry: 'http://registry:3002',
      dispatcher: 'https://dispatch.internal',
    });
  });

  it.each([
    ['registry', /not name=url/],
    ['billing=http://billing:1', /not name=url with a name of gateway, ingestion/],
    ['registry=http://a:1,registry=http://b:2', /registry is given twice/],
    ['registry=ftp://registry', /not an http\(s\) URL/],
    ['registry=http://registry:3002/health/ready', /with no path/],
    ['registry=', /not an http\(s\) URL/],
  ])('refuses %j', (raw, message) => {
    const parsed = serviceUrls.safeParse(raw);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toMatch(message);
  });
});

describe('the gateway boot with TRIPLINE_SERVICE_URLS', () => {
  const required = { TRIPLINE_ADMIN_TOKEN: 'gateway-env-admin-token-0123', TRIPLINE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('fails fast, naming the variable and the entry', () => {
    expect(() => loadGatewayEnv({ ...required, TRIPLINE_SERVICE_URLS: 'registry=http://a:1,registry=http://b:2' })).toThrow(InvalidEnvironmentError);
    expect(() => loadGatewayEnv({ ...required, TRIPLINE_SERVICE_URLS: 'registry=http://a:1,registry=http://b:2' })).toThrow('TRIPLINE_SERVICE_URLS: registry is given twice');
  });

  it('starts with the local stack when it is unset', () => {
    expect(loadGatewayEnv(required).TRIPLINE_SERVICE_URLS).toEqual(DEFAULT_SERVICE_URLS);
  });
});
