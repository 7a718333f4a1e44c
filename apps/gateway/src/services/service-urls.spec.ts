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
