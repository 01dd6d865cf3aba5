import { blockRuleName, isOurRule, isValidRuleName } from '../../../shared/domain/ruleName';

describe('blockRuleName', () => {
  it('derives the name from the indicator', () => {
    expect(blockRuleName({ address: '178.16.52.203', port: 1889 })).toBe(
      'c2r-deny-178.16.52.203-1889',
    );
  });

  it('spells IPv6 colons as underscores and stays within 80 characters', () => {
    const name = blockRuleName({
      address: 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
      port: 65535,
    });

    expect(name).toBe('c2r-deny-ffff_ffff_ffff_ffff_ffff_ffff_255.255.255.255-65535');
    expect(isValidRuleName(name)).toBe(true);
  });
});

describe('isValidRuleName', () => {
  it('follows the NSG naming rules', () => {
    expect(isValidRuleName('Allow-Internet-Out')).toBe(true);
    expect(isValidRuleName('rule_')).toBe(true);
    expect(isValidRuleName('-rule')).toBe(false);
    expect(isValidRuleName('rule.')).toBe(false);
    expect(isValidRuleName('a:b')).toBe(false);
    expect(isValidRuleName('a'.repeat(81))).toBe(false);
  });
});

describe('isOurRule', () => {
  it('recognises only the product prefix', () => {
    expect(isOurRule({ name: 'c2r-deny-1.2.3.4-80' })).toBe(true);
    expect(isOurRule({ name: 'SOC-Deny-DCRat-45.225.135.22-Out' })).toBe(false);
  });
});
