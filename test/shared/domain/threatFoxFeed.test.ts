import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import {
  detectFeedFormat,
  readIndicatorFeed,
  readIndicatorList,
  readThreatFoxCsv,
  readThreatFoxJson,
  readThreatFoxJsonLines,
} from '../../../shared/domain/threatFoxFeed';

const root = join(__dirname, '../../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const none = { allowlist: [] };

interface LabIocs {
  iocs: {
    'dcrat-threatfox.json': {
      indicators: {
        ip: string;
        port: number;
        threatFoxId: string;
        confidence: number;
        firstSeen: string;
      }[];
    };
    'dcrat-threatfox-export.csv': {
      dataRows: number;
      uniqueIndicators: number;
      duplicatedRows: string[];
      addressesWithSeveralPorts: Record<string, number[]>;
      uniqueAddresses: number;
    };
  };
}
const lab = JSON.parse(read('test/fixtures/lab-expected.json')) as LabIocs;

describe('ThreatFox feed', () => {
  it('reads the bundled DCRat pack as exactly the three seed indicators, confidence 75', () => {
    const feed = readIndicatorFeed(read('samples/iocs/dcrat-threatfox.json'), none);

    expect(feed.rejected).toEqual([]);
    expect(feed.duplicates).toBe(0);
    expect(
      feed.indicators.map((indicator) => ({
        ip: indicator.address,
        port: indicator.port,
        threatFoxId: indicator.threatFox?.iocId,
        confidence: indicator.threatFox?.confidenceLevel,
        firstSeen: indicator.threatFox?.firstSeen,
      })),
    ).toEqual(lab.iocs['dcrat-threatfox.json'].indicators);
    expect(feed.indicators[0]?.threatFox).toEqual({
      iocId: '1791742',
      malware: 'DCRat',
      threatType: 'botnet_cc',
      confidenceLevel: 75,
      firstSeen: '2026-05-06 14:21:37 UTC',
      tags: ['DCRat', 'RAT'],
      reference: 'https://example.com/threat-report/dcrat-c2-2026-05-06',
    });
    expect(feed.indicators.every((indicator) => indicator.blockability.blockable)).toBe(true);
  });

  it('reads the lab CSV export as 33 unique refanged indicators from 36 rows, 3 duplicates', () => {
    const expected = lab.iocs['dcrat-threatfox-export.csv'];
    const feed = readIndicatorFeed(read('samples/iocs/dcrat-threatfox-export.csv'), none);

    expect(feed.indicators).toHaveLength(expected.uniqueIndicators);
    expect(feed.duplicates).toBe(expected.dataRows - expected.uniqueIndicators);
    expect(feed.rejected).toEqual([]);
    expect(new Set(feed.indicators.map((indicator) => indicator.address)).size).toBe(
      expected.uniqueAddresses,
    );
    for (const [address, ports] of Object.entries(expected.addressesWithSeveralPorts)) {
      const found = feed.indicators
        .filter((indicator) => indicator.address === address)
        .map((indicator) => indicator.port);
      expect(found.sort((a, b) => a - b)).toEqual(ports);
    }
    const keys = feed.indicators.map((indicator) => indicator.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        ...expected.duplicatedRows,
        '178.16.52.203:1889',
        '154.18.238.18:8848',
        '104.194.157.45:7001',
      ]),
    );
    expect(keys.every((key) => !key.includes('['))).toBe(true);
    expect(
      feed.indicators.find((indicator) => indicator.key === '162.216.241.206:7997')?.threatFox,
    ).toEqual({
      iocId: '1831547',
      malware: 'DCRat',
      threatType: 'botnet_cc',
      confidenceLevel: 75,
      firstSeen: '2026-06-20 10:01:42',
      isCompromised: false,
      tags: ['DCRat', 'RAT'],
    });
  });

  it('keeps only ip:port records of the recent export and says why the others were refused', () => {
    const text = read('test/fixtures/reference/threatfox_export_csv_recent_format_example.csv');

    expect(text).toContain('\r\n');
    expect(detectFeedFormat(text)).toBe('threatfox-csv');
    const feed = readThreatFoxCsv(text, none);
    expect(feed.indicators.map((indicator) => indicator.key)).toEqual(['64.227.143.36:5555']);
    expect(feed.rejected).toEqual([
      { line: 6, text: 'dazayse.hi-lo.bet', reason: 'ioc_type "domain" is not ip:port' },
      {
        line: 8,
        text: 'https://drfitness.fit/path?q=a,b',
        reason: 'ioc_type "url" is not ip:port',
      },
    ]);
  });

  it('reads JSON Lines records, including an unbracketed IPv6 ip:port, and counts the duplicate', () => {
    const text = read(
      'test/fixtures/reference/threatfox_api_ioc_records_ipport_elastic_test.jsonl',
    );

    expect(detectFeedFormat(text)).toBe('threatfox-jsonl');
    const feed = readThreatFoxJsonLines(text, none);
    expect(feed.indicators).toHaveLength(8);
    expect(feed.duplicates).toBe(1);
    expect(feed.indicators[0]?.key).toBe('[2a02:cf40:1::5]:40669');
    expect(feed.indicators[0]?.threatFox?.confidenceLevel).toBe(100);
    expect(
      readIndicatorFeed(
        read('test/fixtures/reference/threatfox_api_ioc_records_ipport_ecs_rfc.jsonl'),
        none,
      ).indicators.map((indicator) => indicator.key),
    ).toEqual(['46.229.199.126:53822', '188.254.247.90:37294', '119.195.9.2:5611']);
  });

  it('reads a bare JSON array of records and refuses the domain records of the API example', () => {
    const records = `[${read('test/fixtures/reference/threatfox_api_ioc_records_ipport_ecs_rfc.jsonl').trim().split('\n').join(',')}]`;

    expect(readThreatFoxJson(records, none).indicators).toHaveLength(3);
    const example = readThreatFoxJson(
      read('test/fixtures/reference/threatfox_api_get_iocs_docs_example.json'),
      none,
    );
    expect(example.indicators).toEqual([]);
    expect(example.rejected.map((line) => line.reason)).toEqual([
      'ioc_type "domain" is not ip:port',
      'ioc_type "domain" is not ip:port',
    ]);
  });

  it('reads a CSV with a header row naming ioc_value, as republished lists are', () => {
    const feed = readIndicatorFeed(
      read('test/fixtures/reference/threatfox_dcrat_ipport_iocs_published.csv'),
      none,
    );

    expect(feed.indicators).toHaveLength(30);
    expect(feed.duplicates).toBe(3);
    expect(feed.rejected).toEqual([]);
  });

  it('reports a ThreatFox answer other than ok instead of an empty success', () => {
    const feed = readThreatFoxJson(
      '{"query_status":"no_result","data":"Your search did not yield any results"}',
      none,
    );

    expect(feed.indicators).toEqual([]);
    expect(feed.rejected.map((line) => line.reason)).toEqual([
      'ThreatFox answered query_status "no_result"',
    ]);
  });

  it('rejects a broken record with its position and keeps the rest', () => {
    const feed = readThreatFoxJson(
      JSON.stringify({
        query_status: 'ok',
        data: [
          { ioc: '1.2.3.4:80', ioc_type: 'ip:port' },
          { ioc: 5 },
          { ioc: '1.2.3.4:0', ioc_type: 'ip:port' },
        ],
      }),
      none,
    );

    expect(feed.indicators.map((indicator) => indicator.key)).toEqual(['1.2.3.4:80']);
    expect(feed.rejected).toEqual([
      {
        line: 2,
        text: '{"ioc":5}',
        reason:
          'not a ThreatFox record: ioc: Invalid input: expected string, received number; ioc_type: Invalid input: expected string, received undefined',
      },
      { line: 3, text: '1.2.3.4:0', reason: 'port 0 is outside 1-65535' },
    ]);
  });

  it('reads a plain list with comments, blank lines, defanged values and bad lines', () => {
    const text = [
      '# DCRat endpoints',
      '',
      '178[.]16[.]52[.]203:1889  # seed',
      '[2001:db8::1]:443',
      '10.40.8.17:1889',
      '178.16.52.203:1889',
      'not an indicator',
      '1.2.3.4:70000',
    ].join('\r\n');

    expect(detectFeedFormat(text)).toBe('ip-port-list');
    const feed = readIndicatorList(text, { allowlist: ['192.0.2.0/24'] });
    expect(
      feed.indicators.map((indicator) => [indicator.key, indicator.blockability.blockable]),
    ).toEqual([
      ['178.16.52.203:1889', true],
      ['[2001:db8::1]:443', false],
      ['10.40.8.17:1889', false],
    ]);
    expect(feed.duplicates).toBe(1);
    expect(feed.rejected).toEqual([
      { line: 7, text: 'not an indicator', reason: '"not an indicator" contains white space' },
      { line: 8, text: '1.2.3.4:70000', reason: 'port 70000 is outside 1-65535' },
    ]);
  });

  it('keeps the never-blockable indicator with the reason the operator needs', () => {
    const feed = readIndicatorList('10.40.8.17:1889', none);

    expect(feed.indicators[0]?.blockability).toEqual({
      blockable: false,
      reason: '10.40.8.17 is in 10.0.0.0/8 (private, RFC 1918)',
    });
  });

  it('tells an IPv6 list starting with "[" from JSON', () => {
    expect(detectFeedFormat('[2001:db8::1]:443\n')).toBe('ip-port-list');
    expect(detectFeedFormat('\ufeff  []')).toBe('threatfox-json');
  });

  it('rejects a CSV export row that is not valid CSV and reads the rows after it', () => {
    const text = [
      '# "first_seen_utc","ioc_id","ioc_value","ioc_type"',
      '"2026-01-01", "1", "1.2.3.4:80" x, "ip:port"',
      '"2026-01-01", "2", "5[.]6[.]7[.]8:443", "ip:port"',
    ].join('\n');

    const feed = readThreatFoxCsv(text, none);
    expect(feed.indicators.map((indicator) => indicator.key)).toEqual(['5.6.7.8:443']);
    expect(feed.rejected[0]?.line).toBe(2);
    expect(feed.rejected[0]?.reason).toMatch(/^not a CSV row: /);
  });

  it('never throws for any text, random or mutated from real feeds', () => {
    const samples = [
      read('samples/iocs/dcrat-threatfox.json'),
      read('samples/iocs/dcrat-threatfox-export.csv'),
      read('test/fixtures/reference/threatfox_api_ioc_records_ipport_elastic_test.jsonl'),
      '178[.]16[.]52[.]203:1889\n# c\n[::1]:80\n',
    ];
    const mutated = fc
      .tuple(fc.constantFrom(...samples), fc.nat(), fc.nat(), fc.string())
      .map(([text, at, cut, junk]) => {
        const start = at % (text.length + 1);
        return text.slice(0, start) + junk + text.slice(Math.min(text.length, start + (cut % 40)));
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), mutated), (text) => {
        const feed = readIndicatorFeed(text, none);
        expect(feed.duplicates).toBeGreaterThanOrEqual(0);
        expect(new Set(feed.indicators.map((indicator) => indicator.key)).size).toBe(
          feed.indicators.length,
        );
      }),
      { numRuns: 300 },
    );
  });
});
