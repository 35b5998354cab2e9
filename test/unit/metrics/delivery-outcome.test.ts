import { deliveryOutcome } from '../../../src/metrics/delivery-outcome';

describe('deliveryOutcome(status, answered)', () => {
  test('a 2xx is what the route answered: accepted, duplicate or handshake', () => {
    expect(deliveryOutcome(200, 'accepted')).toBe('accepted');
    expect(deliveryOutcome(200, 'duplicate')).toBe('duplicate');
    expect(deliveryOutcome(200, 'handshake')).toBe('handshake');
  });

  test('a 4xx is rejected: the sender can do better', () => {
    for (const status of [400, 401, 403, 404, 405, 408, 413, 415, 429]) expect(deliveryOutcome(status)).toBe('rejected');
  });

  test('503 is unavailable (Temporal or MongoDB did not accept in time); other 5xx are errors', () => {
    expect(deliveryOutcome(503)).toBe('unavailable');
    expect(deliveryOutcome(500)).toBe('error');
  });
});
