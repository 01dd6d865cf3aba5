import {
  ConfigurationError,
  PRODUCT_SETTINGS,
  readConfiguration,
} from '../../../shared/config/configuration';
import { formatIsoDuration, parseIsoDuration } from '../../../shared/config/isoDuration';

const NSG =
  '/subscriptions/a229b752-17ec-4704-9971-4b4021745a1c/resourceGroups/rg-net-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-fin-subnet';

function problemsOf(environment: Record<string, string>): readonly string[] {
  try {
    readConfiguration(environment);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('gives safe defaults for a local run', () => {
    const configuration = readConfiguration({});

    expect(configuration.mode).toBe('local');
    expect(configuration.response).toMatchObject({
      priorityBand: { lowest: 100, highest: 4096 },
      blockTtlMs: 7 * 86_400_000,
      approvalTimeoutMs: 4 * 3_600_000,
      timeoutPolicy: 'escalate',
      lookbackMs: 3_600_000,
      dryRun: false,
      killSwitch: false,
      approvers: [],
    });
  });

  it('reports every problem in one error', () => {
    expect(
      problemsOf({
        C2R_PRIORITY_BAND: '50-5000',
        C2R_BLOCK_TTL: 'P1M',
        C2R_TIMEOUT_POLICY: 'block',
        C2R_NSG_IDS: 'nsg-fin',
        C2R_DRY_RUN: 'yes',
        C2R_ANTIFORGERY_KEY: 'c2hvcnQ=',
      }),
    ).toEqual([
      expect.stringMatching(/^C2R_NSG_IDS: /),
      expect.stringMatching(/^C2R_PRIORITY_BAND: must be "lowest-highest" within 100-4096/),
      expect.stringMatching(/^C2R_BLOCK_TTL: must be an ISO 8601 duration/),
      expect.stringMatching(/^C2R_TIMEOUT_POLICY: /),
      expect.stringMatching(/^C2R_DRY_RUN: /),
      expect.stringMatching(/^C2R_ANTIFORGERY_KEY: must be a base64 key of at least 32 bytes/),
    ]);
  });

  it('requires the Azure settings in azure mode, each named', () => {
    const problems = problemsOf({ C2R_MODE: 'azure', C2R_NSG_IDS: NSG });

    expect(problems).toContain('C2R_WORKSPACE_ID: is required when C2R_MODE is azure');
    expect(problems).toContain('C2R_ANTIFORGERY_KEY: is required when C2R_MODE is azure');
    expect(problems).not.toContain('C2R_NSG_IDS: is required when C2R_MODE is azure');
  });

  it('reads lists with commas, semicolons or spaces, and freezes the result', () => {
    const configuration = readConfiguration({
      C2R_APPROVERS: 'a@contoso.com; b@contoso.com ,c@contoso.com',
      C2R_NSG_IDS: NSG,
    });

    expect(configuration.response.approvers).toEqual([
      'a@contoso.com',
      'b@contoso.com',
      'c@contoso.com',
    ]);
    expect(Object.isFrozen(configuration.response)).toBe(true);
    expect(Object.isFrozen(configuration.response.approvers)).toBe(true);
  });

  it('names every bad allowlist entry in the one configuration error', () => {
    const problems = problemsOf({
      C2R_ALLOWLIST: '10.0.0.0/8, not-an-ip, 203.0.113.7, 2001:db8::/200',
      C2R_MIN_CONFIDENCE: '101',
    });

    const allowlist = problems.filter((problem) => problem.startsWith('C2R_ALLOWLIST: '));
    expect(allowlist).toHaveLength(1);
    expect(allowlist[0]).toMatch(/entry 2 "not-an-ip"/);
    expect(allowlist[0]).toMatch(/entry 4 "2001:db8::\/200"/);
    expect(allowlist[0]).not.toMatch(/entry [13] /);
    expect(problems).toContainEqual(expect.stringMatching(/^C2R_MIN_CONFIDENCE: /));
  });

  it('keeps a valid allowlist as configured', () => {
    const configuration = readConfiguration({ C2R_ALLOWLIST: '178.16.52.0/24 2a02:cf40:1::5' });

    expect(configuration.response.allowlist).toEqual(['178.16.52.0/24', '2a02:cf40:1::5']);
  });

  it('lists only settings that start with the product prefix, plus the identity client id', () => {
    expect(PRODUCT_SETTINGS.every((name) => /^C2R_/.test(name) || name === 'AZURE_CLIENT_ID')).toBe(
      true,
    );
  });
});

describe('ISO 8601 durations', () => {
  it.each([
    ['P7D', 7 * 86_400_000],
    ['PT4H', 4 * 3_600_000],
    ['P1DT12H', 36 * 3_600_000],
    ['PT90S', 90_000],
    ['PT1.5S', 1500],
  ])('reads %s', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
    expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
  });

  it.each(['P1M', 'P1Y', 'P', 'PT', '7D', '', 'P-1D'])('refuses %p', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
