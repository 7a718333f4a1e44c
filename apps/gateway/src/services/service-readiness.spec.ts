import { checksOf, failing } from './service-readiness';

describe("a service's readiness, as the operators see it", () => {
  it('reads the checks of a readiness report, and nothing of another answer', () => {
    expect(checksOf('{"ready":false,"checks":{"kafkaBroker":true,"postgres":false}}')).toEqual({ kafkaBroker: true, postgres: false });
    expect(checksOf('<html>502 Bad Gateway</html>')).toBeNull();
    expect(checksOf('{"checks":{"postgres":"yes"}}')).toBeNull();
    expect(checksOf('null')).toBeNull();
  });

  it('names the failing checks', () => {
    expect(failing({ kafkaBroker: true, kafkaConsumers: false, postgres: false })).toBe('not ready: kafkaConsumers, postgres');
    expect(failing({ kafkaBroker: true })).toBeNull();
    expect(failing(null)).toBeNull();
  });
});
