import { InvalidEnvironmentError } from '@tripline/config';
import { loadGatewayEnv } from './gateway.env';

describe('the gateway environment', () => {
  const required = { TRIPLINE_ADMIN_TOKEN: 'gateway-env-admin-token-0123', TRIPLINE_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64') };

  it('ends a console session after 60 idle minutes or 12 hours by default', () => {
    expect(loadGatewayEnv(required)).toMatchObject({ CONSOLE_SESSION_IDLE_MINUTES: 60, CONSOLE_SESSION_MAX_HOURS: 12 });
    expect(loadGatewayEnv({ ...required, CONSOLE_SESSION_IDLE_MINUTES: '15', CONSOLE_SESSION_MAX_HOURS: '8' })).toMatchObject({
      CONSOLE_SESSION_IDLE_MINUTES: 15,
      CONSOLE_SESSION_MAX_HOURS: 8,
    });
  });

  it.each([
    ['CONSOLE_SESSION_IDLE_MINUTES', 'soon', 'must be a whole number of minutes'],
    ['CONSOLE_SESSION_IDLE_MINUTES', '1.5', 'must be a whole number of minutes'],
    ['CONSOLE_SESSION_IDLE_MINUTES', '1', 'must be at least 2 minutes'],
    ['CONSOLE_SESSION_IDLE_MINUTES', '1441', 'must be at most 1440 minutes'],
    ['CONSOLE_SESSION_MAX_HOURS', '0', 'must be at least 1 hour'],
    ['CONSOLE_SESSION_MAX_HOURS', '12h', 'must be a whole number of hours'],
    ['CONSOLE_SESSION_MAX_HOURS', '721', 'must be at most 720 hours'],
  ])('fails the boot naming %s=%s', (name, value, message) => {
    expect(() => loadGatewayEnv({ ...required, [name]: value })).toThrow(InvalidEnvironmentError);
    expect(() => loadGatewayEnv({ ...required, [name]: value })).toThrow(`${name}: ${message}`);
  });
});
