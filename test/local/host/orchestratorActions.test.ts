import { findNondeterminism, flattenActions } from '../../../local/host/orchestratorActions';

const greet = { actionType: 0, functionName: 'greet', input: '"world"' };
const timer = { actionType: 5, fireAt: new Date('2026-01-01T01:00:00.000Z'), isCanceled: true };

describe('flattenActions', () => {
  it('lists compound actions before their children, depth first', () => {
    const wait = { actionType: 6, externalEventName: 'Decision', reason: 1 };
    const nodes = flattenActions([[{ actionType: 11, compoundActions: [wait, timer] }, greet]]);

    expect(nodes.map((node) => node.recorded)).toEqual([
      { kind: 'WhenAny', children: 2 },
      { kind: 'WaitForExternalEvent', name: 'Decision' },
      { kind: 'CreateTimer', fireAt: '2026-01-01T01:00:00.000Z' },
      { kind: 'CallActivity', name: 'greet' },
    ]);
    expect(nodes[2]?.isCanceled).toBe(true);
  });

  it('decodes a string activity input the library encoded a second time', () => {
    const [node] = flattenActions([[greet]]);

    expect(node?.input).toBe('world');
  });

  it('marks an action object that appears again as the same task', () => {
    const nodes = flattenActions([[greet, { actionType: 12, compoundActions: [greet, timer] }]]);

    expect(nodes.map((node) => node.sameAs)).toEqual([undefined, undefined, 0, undefined]);
  });

  it('flags actions the offline host cannot run', () => {
    const nodes = flattenActions([[{ actionType: 8, input: {} }, { actionType: 4 }]]);

    expect(nodes.map((node) => [node.recorded.kind, node.supported])).toEqual([
      ['CallHttp', false],
      ['ContinueAsNew', false],
    ]);
  });
});

describe('findNondeterminism', () => {
  const recorded = [
    { kind: 'CallActivity', name: 'greet' },
    { kind: 'CreateTimer', fireAt: '2026-01-01T01:00:00.000Z' },
  ];

  it('accepts a replay that reproduces the history and goes further', () => {
    const replayed = flattenActions([[greet, timer, greet]]);

    expect(findNondeterminism(recorded, replayed)).toBeUndefined();
  });

  it('names the position and both actions when a timer moved', () => {
    const moved = { actionType: 5, fireAt: new Date('2026-01-01T02:00:00.000Z') };

    expect(findNondeterminism(recorded, flattenActions([[greet, moved]]))).toBe(
      'at action position 1 the history has CreateTimer at 2026-01-01T01:00:00.000Z ' +
        'but the replay produced CreateTimer at 2026-01-01T02:00:00.000Z',
    );
  });

  it('reports a replay that stops short of the recorded actions', () => {
    expect(findNondeterminism(recorded, flattenActions([[greet]]))).toBe(
      'at action position 1 the history has CreateTimer at 2026-01-01T01:00:00.000Z ' +
        'but the replay produced no action',
    );
  });
});
