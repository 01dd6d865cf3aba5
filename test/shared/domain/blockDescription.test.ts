import {
  blockIncidentsOf,
  blockExpiryOf,
  describeBlock,
  MAX_RULE_DESCRIPTION_LENGTH,
} from '../../../shared/domain/blockDescription';

describe('describeBlock', () => {
  it('names the indicator, the incident and the expiry', () => {
    expect(describeBlock('178.16.52.203:1889', [4127], '2026-12-09T18:00:00.000Z')).toBe(
      'c2r block 178.16.52.203:1889; incident 4127; expires 2026-12-09T18:00:00.000Z',
    );
  });

  it('lists several incidents in order and omits the field when there is none', () => {
    expect(describeBlock('1.2.3.4:80', [4130, 4127, 4130], '2026-12-09T18:00:00.000Z')).toBe(
      'c2r block 1.2.3.4:80; incidents 4127, 4130; expires 2026-12-09T18:00:00.000Z',
    );
    expect(describeBlock('1.2.3.4:80', [], '2026-12-09T18:00:00.000Z')).toBe(
      'c2r block 1.2.3.4:80; expires 2026-12-09T18:00:00.000Z',
    );
  });

  it('counts the incidents that do not fit 140 characters instead of cutting the expiry', () => {
    const numbers = Array.from({ length: 40 }, (_, index) => 5000 + index);
    const text = describeBlock(
      '[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535',
      numbers,
      '2026-12-09T18:00:00.000Z',
    );

    expect(text.length).toBeLessThanOrEqual(MAX_RULE_DESCRIPTION_LENGTH);
    expect(text).toMatch(
      /; incidents 5000, 5001(, \d+)* \+\d+ more; expires 2026-12-09T18:00:00.000Z$/,
    );
    expect(blockExpiryOf({ description: text })).toBe('2026-12-09T18:00:00.000Z');
  });
});

describe('blockExpiryOf', () => {
  it('reads the expiry back from a description', () => {
    expect(
      blockExpiryOf({ description: 'c2r block x; incident 1; expires 2026-12-09T18:00:00Z' }),
    ).toBe('2026-12-09T18:00:00.000Z');
  });

  it('returns undefined for a description without a readable expiry', () => {
    expect(blockExpiryOf({ description: 'expires never' })).toBeUndefined();
    expect(blockExpiryOf({ description: 'c2r block x; expires tomorrow' })).toBeUndefined();
    expect(blockExpiryOf({})).toBeUndefined();
  });
});

describe('blockIncidentsOf', () => {
  it('reads back the incident numbers the description lists', () => {
    const description = describeBlock(
      '178.16.52.203:1889',
      [4130, 4127],
      '2026-12-10T10:00:00.000Z',
    );

    expect(blockIncidentsOf({ description })).toEqual([4127, 4130]);
  });

  it('finds none in a description without incidents, or without a description', () => {
    expect(
      blockIncidentsOf({
        description: describeBlock('1.2.3.4:80', [], '2026-12-10T10:00:00.000Z'),
      }),
    ).toEqual([]);
    expect(blockIncidentsOf({})).toEqual([]);
  });
});
