import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import {
  parseIncidentResource,
  parseIncidentTriggerBody,
} from '../../../shared/domain/incidentParser';
import { isValidationError, ValidationError } from '../../../shared/domain/validationError';

const root = join(__dirname, '../../..');
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));
const restBody = (file: string): unknown =>
  (readJson(`test/fixtures/reference/${file}`) as { responses: { '200': { body: unknown } } })
    .responses['200'].body;

interface LabIncident {
  file: string;
  incidentNumber: number;
  incidentName: string;
  incidentArmId: string;
  severity: string;
  status: string;
  indicator: { ip: string; port: number };
  otherIpEntities?: { address: string }[];
  hostEntities?: { hostName: string; DeviceNameInLogs: string }[];
}
const lab = readJson('test/fixtures/lab-expected.json') as { incidents: LabIncident[] };

type Json = Record<string, unknown>;
function malicious(): Json {
  return readJson('samples/incidents/malicious.json') as Json;
}
function properties(body: Json): Json {
  return (body.object as Json).properties as Json;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('incident parser', () => {
  it.each(lab.incidents.map((incident) => [incident.file, incident] as const))(
    'reads the lab incident %s to the expected values',
    (file, expected) => {
      const incident = parseIncidentTriggerBody(readJson(`samples/${file}`));

      expect(incident.number).toBe(expected.incidentNumber);
      expect(incident.name).toBe(expected.incidentName);
      expect(incident.armId).toBe(expected.incidentArmId);
      expect(incident.severity).toBe(expected.severity);
      expect(incident.status).toBe(expected.status);
      expect(incident.c2Ports).toEqual([expected.indicator.port]);
      expect(incident.c2Addresses).toEqual([expected.indicator.ip]);
      expect([...incident.ipAddresses].sort()).toEqual(
        [expected.indicator.ip, ...(expected.otherIpEntities ?? []).map((ip) => ip.address)].sort(),
      );
      expect(incident.hosts.map((host) => [host.hostName, host.fqdn])).toEqual(
        (expected.hostEntities ?? []).map((host) => [host.hostName, host.DeviceNameInLogs]),
      );
      expect(incident.entitiesComplete).toBe(true);
      expect(incident.notes).toEqual([]);
    },
  );

  it('keeps the trigger body fields the responder writes back', () => {
    const incident = parseIncidentTriggerBody(malicious());

    expect(incident).toMatchObject({
      title: 'DCRat C2 endpoint contacted (ThreatFox ip:port)',
      etag: '"f22e7b34-0000-0d00-0000-934ccd141dac"',
      labels: [],
      owner: { objectId: null, email: null, assignedTo: null, userPrincipalName: null },
      createdTime: '2026-11-30T10:06:41.2175932Z',
      firstActivityTime: '2026-11-30T09:14:07.4411235Z',
      lastActivityTime: '2026-11-30T09:58:22.1048817Z',
      analyticRuleIds: [
        '/subscriptions/5d1949bf-e569-417f-8b20-c88415e94b56/resourceGroups/rg-soc-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod/providers/Microsoft.SecurityInsights/alertRules/70e9f528-e871-4b4b-ace3-f756894d8c64',
      ],
    });
    expect(incident.incidentUrl).toMatch(/^https:\/\/portal\.azure\.com\/#asset\//);
  });

  it('marks the entities as incomplete when the trigger body carries none', () => {
    const body = malicious();
    delete properties(body).relatedEntities;

    const incident = parseIncidentTriggerBody(body);
    expect(incident.entitiesComplete).toBe(false);
    expect(incident.ipAddresses).toEqual([]);
    expect(incident.c2Ports).toEqual([1889]);
  });

  it('skips a partial Ip or Host entity with a note and marks the entities as incomplete', () => {
    const body = malicious();
    properties(body).relatedEntities = [
      { kind: 'Ip', properties: { friendlyName: 'no address' } },
      { kind: 'Ip', properties: { address: '010.1.1.1' } },
      { kind: 'Host', properties: { dnsDomain: 'corp.contoso.com' } },
      'junk',
      { kind: 'Account', properties: { accountName: 'user05' } },
      { kind: 'Ip', properties: { address: ' ::FFFF:178.16.52.203 ' } },
      { kind: 'Ip', properties: { address: '178.16.52.203' } },
      { kind: 'Host', properties: { hostName: 'SRV-1' } },
    ];

    const incident = parseIncidentTriggerBody(body);
    expect(incident.ipAddresses).toEqual(['178.16.52.203']);
    expect(incident.hosts).toEqual([{ hostName: 'SRV-1', fqdn: 'srv-1' }]);
    expect(incident.entitiesComplete).toBe(false);
    expect(incident.notes).toEqual([
      'entity 1 (Ip) has no address; skipped',
      'entity 2 (Ip) octet "010" of "010.1.1.1" has a leading zero; skipped',
      'entity 3 (Host) has no hostName; skipped',
      'entity 4 has no kind; skipped',
    ]);
  });

  it('reads the entity kinds it needs from a real mixed list and ignores File and FileHash', () => {
    const body = malicious();
    properties(body).relatedEntities = readJson(
      'test/fixtures/reference/sentinel_incident_trigger_relatedEntities_mde_host_file_fragment.json',
    );

    const incident = parseIncidentTriggerBody(body);
    expect(incident.hosts).toEqual([
      {
        hostName: 'vm-linux-01',
        dnsDomain: 'xxxxxxxxxxxxxxxxxxxxxxxxxx.lx.internal.cloudapp.net',
        fqdn: 'vm-linux-01.xxxxxxxxxxxxxxxxxxxxxxxxxx.lx.internal.cloudapp.net',
        mdatpDeviceId: '95ffd3240bde37ef347cf836db74b13f85cbf185',
      },
    ]);
    expect(incident.entitiesComplete).toBe(true);
  });

  it('reads custom details given as an object, with numbers, and several alerts', () => {
    const body = malicious();
    const [alert] = properties(body).alerts as Json[];
    const second = JSON.parse(JSON.stringify(alert)) as Json;
    ((second.properties as Json).additionalData as Json)['Custom Details'] = {
      c2ip: '2001:DB8::1',
      C2Port: [8848, '1889'],
    };
    properties(body).alerts = [alert, second];

    const incident = parseIncidentTriggerBody(body);
    expect(incident.c2Ports).toEqual([1889, 8848]);
    expect(incident.c2Addresses).toEqual(['178.16.52.203', '2001:db8::1']);
  });

  it('reports malformed custom details as a problem of that field only', () => {
    const body = malicious();
    const [alert] = properties(body).alerts as Json[];
    const broken = JSON.parse(JSON.stringify(alert)) as Json;
    ((broken.properties as Json).additionalData as Json)['Custom Details'] = '{"C2Port":["18';
    const odd = JSON.parse(JSON.stringify(alert)) as Json;
    ((odd.properties as Json).additionalData as Json)['Custom Details'] =
      '{"C2IP":["not-ip"],"C2Port":["0","http",null]}';
    properties(body).alerts = [broken, odd];

    const incident = parseIncidentTriggerBody(body);
    expect(incident.number).toBe(4127);
    expect(incident.c2Ports).toEqual([]);
    expect(incident.notes).toEqual([
      'alert 1 custom details are not JSON; its C2 port and address are unknown',
      'alert 2 custom details: C2Port "0" is not a port 1-65535; ignored',
      'alert 2 custom details: C2Port "http" is not a port 1-65535; ignored',
      'alert 2 custom details: C2Port null is not a port 1-65535; ignored',
      'alert 2 custom details: C2IP "not-ip" is not an IP address; ignored',
    ]);
  });

  it('lists every problem of a malformed body in one ValidationError', () => {
    const body = malicious();
    (body.object as Json).name = 'not-a-guid';
    properties(body).severity = 'Critical';
    properties(body).incidentNumber = '4127';
    delete properties(body).createdTimeUtc;
    properties(body).labels = [{ labelName: 5 }];

    expect(problemsOf(() => parseIncidentTriggerBody(body))).toEqual([
      'object.name: must be the incident GUID',
      'object.properties.severity: Invalid option: expected one of "High"|"Medium"|"Low"|"Informational"',
      'object.properties.labels.0.labelName: Invalid input: expected string, received number',
      'object.properties.createdTimeUtc: Invalid input: expected string, received undefined',
      'object.properties.incidentNumber: Invalid input: expected number, received string',
    ]);
  });

  it('refuses an ARM id that does not name the incident', () => {
    const body = malicious();
    (body.object as Json).id = String((body.object as Json).id).replace(
      'e7019832-f5b4-4b78-b528-9929bf0ec839',
      'ef97da8a-157a-456f-b039-96ab3ea72873',
    );

    expect(problemsOf(() => parseIncidentTriggerBody(body))).toEqual([
      'object.id: does not end with the name e7019832-f5b4-4b78-b528-9929bf0ec839',
    ]);
    expect(
      problemsOf(() =>
        parseIncidentTriggerBody({ object: { ...(body.object as Json), id: '/x' } }),
      ),
    ).toContain(
      'object.id: must be an ARM id ending in /providers/Microsoft.SecurityInsights/Incidents/<guid>',
    );
  });

  it('refuses a body that is not an incident at all', () => {
    expect(problemsOf(() => parseIncidentTriggerBody(null))).toEqual([
      '(body): Invalid input: expected object, received null',
    ]);
    expect(
      problemsOf(() => parseIncidentTriggerBody({ ...malicious(), objectSchemaType: 'Alert' })),
    ).toEqual(['objectSchemaType: Invalid input: expected "Incident"']);
  });

  it('reads the REST incident, its entities and alerts', () => {
    const incident = parseIncidentResource(
      restBody('sentinel_rest_incident_get_response.json'),
      restBody('sentinel_rest_incident_entities_response.json'),
      restBody('sentinel_rest_incident_alerts_response.json'),
    );

    expect(incident).toMatchObject({
      name: '73e01a99-5cd7-4139-a149-9f2736ff2ab5',
      number: 3177,
      severity: 'High',
      status: 'Closed',
      owner: { assignedTo: 'SOC Analyst', userPrincipalName: 'analyst@contoso.com' },
      etag: '"0300bf09-0000-0000-0000-5c37296e0000"',
      ipAddresses: [],
      hosts: [],
      c2Ports: [],
      entitiesComplete: true,
    });
    expect(incident.armId).toMatch(/\/incidents\/73e01a99-5cd7-4139-a149-9f2736ff2ab5$/);
  });

  it('reads an Ip entity fetched over REST and marks a REST incident without entities as incomplete', () => {
    const resource = restBody('sentinel_rest_incident_get_response.json');
    const ip = restBody('sentinel_rest_entity_ip_get_response.json');

    expect(parseIncidentResource(resource, { entities: [ip], metaData: [] }).ipAddresses).toEqual([
      '10.3.2.8',
    ]);
    expect(parseIncidentResource(resource, [ip]).ipAddresses).toEqual(['10.3.2.8']);
    expect(parseIncidentResource(resource).entitiesComplete).toBe(false);
  });

  it('lists problems of the resource and of the entity and alert envelopes together', () => {
    expect(
      problemsOf(() => parseIncidentResource({ id: 5 }, { value: [] }, { entities: [] })),
    ).toEqual([
      'id: Invalid input: expected string, received number',
      'name: Invalid input: expected string, received undefined',
      'properties: Invalid input: expected object, received undefined',
      'entities: expected {entities: [...]} or an array',
      'alerts: expected {value: [...]} or an array',
    ]);
  });

  it('never throws anything but ValidationError for random or mutated bodies', () => {
    const paths = (value: unknown, prefix: string[] = []): string[][] =>
      value !== null && typeof value === 'object'
        ? Object.entries(value).flatMap(([key, child]) => [
            [...prefix, key],
            ...paths(child, [...prefix, key]),
          ])
        : [];
    const base = malicious();
    const all = paths(base);
    const mutate = fc
      .tuple(fc.constantFrom(...all), fc.oneof(fc.constant('drop'), fc.anything()))
      .map(([path, replacement]) => {
        const copy = JSON.parse(JSON.stringify(base)) as Json;
        let parent: Json = copy;
        for (const key of path.slice(0, -1)) parent = parent[key] as Json;
        const last = path.at(-1) ?? '';
        if (replacement === 'drop') delete parent[last];
        else parent[last] = replacement;
        return copy;
      });
    const outcome = (parse: () => unknown): string => {
      try {
        parse();
        return 'parsed';
      } catch (error) {
        return isValidationError(error) ? 'invalid' : `threw ${String(error)}`;
      }
    };
    const resourceOf = (body: unknown): unknown =>
      body !== null && typeof body === 'object' ? (body as Json).object : body;

    fc.assert(
      fc.property(fc.oneof(fc.anything(), mutate), (body) => {
        expect(['parsed', 'invalid']).toContain(outcome(() => parseIncidentTriggerBody(body)));
        expect(['parsed', 'invalid']).toContain(
          outcome(() => parseIncidentResource(resourceOf(body), body, body)),
        );
      }),
      { numRuns: 500 },
    );
  });
});
