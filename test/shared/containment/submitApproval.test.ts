import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { JsonlAuditLog } from '../../../shared/adapters/local/jsonlAuditLog';
import { submitApproval } from '../../../shared/containment/submitApproval';
import { InMemoryOrchestrationClient } from '../../support/inMemoryOrchestrationClient';

const CONTAINMENT = 'contain-178.16.52.203_1889';
const APPROVER = 'soc.analyst@contoso.com';
const PLAN_HASH = 'a'.repeat(64);
const DEADLINE = '2026-11-30T14:11:41.000Z';

describe('submitApproval', () => {
  let state: string;
  let audit: JsonlAuditLog;
  let client: InMemoryOrchestrationClient;

  beforeEach(async () => {
    state = await mkdtemp(join(tmpdir(), 'c2r-submit-'));
    audit = new JsonlAuditLog({ stateDirectory: state });
    client = new InMemoryOrchestrationClient(() => new Date('2026-11-30T16:00:00.000Z'));
  });
  afterEach(() => rm(state, { recursive: true, force: true }));

  function decide(approve: boolean, at: string) {
    return submitApproval(client, audit, {
      instanceId: CONTAINMENT,
      approvers: [APPROVER],
      decision: { by: { userPrincipalName: APPROVER }, planHash: PLAN_HASH, approve, at },
    });
  }

  it('says the deadline passed, not that someone decided, when the timeout policy ended it', async () => {
    client.put(CONTAINMENT, {
      name: 'containIndicator',
      runtimeStatus: 'Completed',
      customStatus: {
        stage: 'done',
        plan: { hash: PLAN_HASH },
        deadline: DEADLINE,
        outcome: 'escalated',
      },
    });

    const result = await decide(true, '2026-11-30T16:00:00.000Z');

    expect(result).toEqual({
      accepted: false,
      code: 'expired',
      message: `The approval deadline passed at ${DEADLINE} without a decision; the timeout policy applied (escalated) and nothing was blocked.`,
    });
    const refusals = (await audit.query({ action: 'approval.refused' })).records;
    expect(refusals.map((record) => record.reason)).toEqual([result.message]);
  });

  it('still answers not-awaiting for a containment an analyst already decided', async () => {
    client.put(CONTAINMENT, {
      name: 'containIndicator',
      runtimeStatus: 'Completed',
      customStatus: {
        stage: 'done',
        plan: { hash: PLAN_HASH },
        deadline: DEADLINE,
        outcome: 'blocked',
      },
    });

    const result = await decide(true, '2026-11-30T13:00:00.000Z');

    expect(result).toMatchObject({ accepted: false, code: 'not-awaiting' });
  });
});
