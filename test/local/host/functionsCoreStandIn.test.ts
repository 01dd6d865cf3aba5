import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { app } from '@azure/functions';
import * as df from 'durable-functions';

import { VirtualClock } from '../../../local/host/clock';
import { registeredFunctions } from '../../../local/host/functionsCoreStandIn';
import { OfflineHost } from '../../../local/host/offlineHost';

let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'offline-host-core-'));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('the @azure/functions-core stand-in', () => {
  it('tells the caller when the loader registered nothing', async () => {
    const host = await OfflineHost.open({ stateDir, clock: new VirtualClock() });

    await expect(host.load(() => undefined)).rejects.toMatchObject({ code: 'no-registrations' });
  });

  it('records orchestrations, activities and HTTP and timer functions as the worker would', async () => {
    const host = await OfflineHost.open({ stateDir, clock: new VirtualClock() });

    await host.load(() => {
      df.app.orchestration('noop', function* (context) {
        return yield context.df.callActivity('echo', 'done');
      });
      df.app.activity('echo', { handler: (input: unknown) => input });
      app.http('intake', { handler: () => ({ status: 202 }) });
      app.timer('expiry', { schedule: '0 */5 * * * *', handler: () => undefined });
    });

    const kinds = host.registrations().map((fn) => [fn.name, fn.kind, fn.triggerType]);
    expect(kinds).toEqual([
      ['noop', 'orchestration', 'orchestrationTrigger'],
      ['echo', 'activity', 'activityTrigger'],
      ['intake', 'http', 'httpTrigger'],
      ['expiry', 'timer', 'timerTrigger'],
    ]);
    expect(registeredFunctions().get('intake')?.metadata.bindings).toHaveProperty('$return');
  });
});
