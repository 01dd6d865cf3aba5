import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { InstanceState } from '../../../local/host/instanceStore';
import { InstanceStore } from '../../../local/host/instanceStore';

let stateDir: string;

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'instance-store-'));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function instance(instanceId: string): InstanceState {
  return {
    instanceId,
    name: 'sequence',
    input: { n: 1 },
    runtimeStatus: 'Pending',
    createdTime: '2026-01-01T00:00:00.000Z',
    lastUpdatedTime: '2026-01-01T00:00:00.000Z',
    history: [],
    inbox: [{ EventType: 0, EventId: -1, Name: 'sequence', Input: '{"n":1}' }],
    actions: [],
    actionTaskNumbers: {},
    nextTaskNumber: 0,
    openTasks: {},
  };
}

describe('InstanceStore', () => {
  it('reads back what it saved, leaving no temporary file behind', async () => {
    const store = new InstanceStore(stateDir);
    await store.loadAll();

    await store.save(instance('contain-1.2.3.4_443'));
    await store.save({ ...instance('contain-1.2.3.4_443'), runtimeStatus: 'Running' });

    expect(await new InstanceStore(stateDir).loadAll()).toEqual([
      { ...instance('contain-1.2.3.4_443'), runtimeStatus: 'Running' },
    ]);
    expect(await readdir(join(stateDir, 'instances'))).toEqual(['contain-1.2.3.4_443.json']);
  });

  it('keeps an instance id with path characters inside the instances folder', async () => {
    const store = new InstanceStore(stateDir);
    await store.loadAll();

    await store.save(instance('../a/b:c'));

    expect(await readdir(join(stateDir, 'instances'))).toEqual(['..%2Fa%2Fb%3Ac.json']);
    expect((await store.loadAll()).map((state) => state.instanceId)).toEqual(['../a/b:c']);
  });

  it('refuses a damaged instance document with its path', async () => {
    const store = new InstanceStore(stateDir);
    await store.loadAll();
    await writeFile(join(stateDir, 'instances', 'broken.json'), '{"instanceId":"broken"}');

    await expect(store.loadAll()).rejects.toMatchObject({
      code: 'corrupt-state',
      message: expect.stringContaining('broken.json'),
    });
  });
});
