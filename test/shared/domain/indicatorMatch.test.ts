import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Incident } from '../../../shared/domain/incident';
import { parseIncidentTriggerBody } from '../../../shared/domain/incidentParser';
import { matchIndicators } from '../../../shared/domain/indicatorMatch';
import { readIndicatorFeed } from '../../../shared/domain/threatFoxFeed';

const root = join(__dirname, '../../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

const pack = readIndicatorFeed(read('samples/iocs/dcrat-threatfox.json'), {
  allowlist: [],
}).indicators;
const exportFeed = readIndicatorFeed(read('samples/iocs/dcrat-threatfox-export.csv'), {
  allowlist: [],
}).indicators;
const incident = (file: string): Incident =>
  parseIncidentTriggerBody(JSON.parse(read(`samples/incidents/${file}.json`)));

describe('indicator match', () => {
  it('finds the malicious incident C2 endpoint and explains why its private address is not one', () => {
    const match = matchIndicators(incident('malicious'), pack);

    expect(match.indicators.map((indicator) => indicator.key)).toEqual(['178.16.52.203:1889']);
    expect(match.unmatchedAddresses).toEqual(['10.40.8.17']);
    expect(match.notes).toEqual([
      '10.40.8.17 is not a known C2 endpoint (private)',
      '178.16.52.203:1889 is a known C2 endpoint (the alert names the port)',
    ]);
  });

  it.each([
    ['benign', '154.18.238.18:8848'],
    ['no-activity', '104.194.157.45:7001'],
  ])('matches the %s lab incident to %s', (file, key) => {
    expect(
      matchIndicators(incident(file), pack).indicators.map((indicator) => indicator.key),
    ).toEqual([key]);
  });

  it('takes every port the feed lists for an address when the alert names none', () => {
    const base = incident('malicious');
    const match = matchIndicators(
      { ...base, ipAddresses: ['72.51.57.131'], c2Ports: [], c2Addresses: [] },
      exportFeed,
    );

    expect(match.indicators.map((indicator) => indicator.key).sort()).toEqual([
      '72.51.57.131:5202',
      '72.51.57.131:7997',
    ]);
    expect(match.unmatchedAddresses).toEqual([]);
  });

  it('uses only the alert ports among the feed ports, and notes a port the feed does not list', () => {
    const base = incident('malicious');
    const match = matchIndicators(
      { ...base, ipAddresses: ['156.247.54.10'], c2Ports: [8848, 443], c2Addresses: [] },
      exportFeed,
    );

    expect(match.indicators.map((indicator) => indicator.key)).toEqual(['156.247.54.10:8848']);
    expect(match.notes).toContain(
      'the alert names port 443, but the feed lists 156.247.54.10 only on 12159, 8848',
    );
  });

  it('invents no indicator when the alert port is not in the feed for that address', () => {
    const base = incident('malicious');
    const match = matchIndicators({ ...base, c2Ports: [443] }, pack);

    expect(match.indicators).toEqual([]);
    expect(match.unmatchedAddresses).toEqual(['10.40.8.17', '178.16.52.203']);
    expect(match.notes).toContain(
      'the alert names port 443, but the feed lists 178.16.52.203 only on 1889',
    );
  });

  it('matches a C2IP custom detail that is not an entity, once per key', () => {
    const base = incident('malicious');
    const match = matchIndicators(
      {
        ...base,
        ipAddresses: [],
        c2Addresses: ['154.18.238.18', '154.18.238.18'],
        c2Ports: [8848],
      },
      pack,
    );

    expect(match.indicators.map((indicator) => indicator.key)).toEqual(['154.18.238.18:8848']);
  });

  it('says when a matched feed indicator may never be blocked', () => {
    const feed = readIndicatorFeed('178.16.52.203:1889\n', {
      allowlist: ['178.16.52.0/24'],
    }).indicators;
    const match = matchIndicators(incident('malicious'), feed);

    expect(match.indicators[0]?.blockability.blockable).toBe(false);
    expect(match.notes).toContain(
      '178.16.52.203:1889 is a known C2 endpoint (the alert names the port); never blockable: 178.16.52.203 is in 178.16.52.0/24 (configured allowlist)',
    );
  });

  it('reports every address as unmatched against an empty feed', () => {
    const match = matchIndicators(incident('benign'), []);

    expect(match.indicators).toEqual([]);
    expect(match.unmatchedAddresses).toEqual(['154.18.238.18', '10.40.1.13', '10.40.1.21']);
    expect(match.notes[0]).toBe('154.18.238.18 is not a known C2 endpoint');
  });
});
