import { busyBackoffMs, isBusy } from '../../../shared/containment/firewallRetry';
import { FirewallBusyError, PriorityTakenError } from '../../../shared/ports/portErrors';

describe('busyBackoffMs', () => {
  it('honours the Retry-After the service sent', () => {
    expect(busyBackoffMs(4, 1500)).toBe(1500);
    expect(busyBackoffMs(4, 0)).toBe(0);
  });

  it('doubles from one second up to thirty without one', () => {
    expect([1, 2, 3, 5, 6, 12].map((attempt) => busyBackoffMs(attempt, undefined))).toEqual([
      1000, 2000, 4000, 16_000, 30_000, 30_000,
    ]);
  });
});

describe('isBusy', () => {
  it('recognises busy answers by their code and nothing else', () => {
    const copied = Object.assign(new Error('busy'), { code: 'firewall-busy' });

    expect(isBusy(new FirewallBusyError('busy', 10))).toBe(true);
    expect(isBusy(copied)).toBe(true);
    expect(isBusy(new PriorityTakenError('taken'))).toBe(false);
    expect(isBusy('firewall-busy')).toBe(false);
  });
});
