import { redactUrl } from './redacted-url';

describe('redactUrl', () => {
  it('hides every query value of a Power Automate callback, keeping the path and the names', () => {
    const url =
      'https://prod-12.westeurope.logic.azure.com:443/workflows/8a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Xy9-secret_token';
    const shown = redactUrl(url);
    expect(shown).toBe(
      'https://prod-12.westeurope.logic.azure.com/workflows/8a1b/triggers/manual/paths/invoke?api-version=REDACTED&sp=REDACTED&sv=REDACTED&sig=REDACTED',
    );
    expect(shown).not.toContain('Xy9');
  });

  it('hides user info, a bare query token and the fragment', () => {
    expect(redactUrl('https://user:pass@hooks.example.com:8443/a/b?tok3n&x=1#frag')).toBe('https://REDACTED@hooks.example.com:8443/a/b?REDACTED&x=REDACTED#REDACTED');
  });

  it('leaves a URL without a query as it is', () => {
    expect(redactUrl('http://127.0.0.1:4000/flows/teams-alert')).toBe('http://127.0.0.1:4000/flows/teams-alert');
    expect(redactUrl('http://[::1]:4000/')).toBe('http://[::1]:4000/');
  });
});
