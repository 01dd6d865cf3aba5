import { firewallAllowed } from '../../../shared/domain/firewallAction';

describe('firewallAllowed', () => {
  it.each([
    ['close', true],
    ['timeout', true],
    ['client-rst', true],
    ['server-rst', true],
    ['accept', true],
    ['allow', true],
    ['Accept', true],
    ['deny', false],
    ['drop', false],
    ['reset-both', false],
    ['Drop', false],
    ['Reject', false],
    ['Alerted', undefined],
    ['', undefined],
  ])('reads the firewall action %j as allowed = %s', (action, allowed) => {
    expect(firewallAllowed(action)).toBe(allowed);
  });
});
