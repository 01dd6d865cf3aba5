import { decideApproval, isApprover } from '../../../shared/domain/approval';
import type { ApprovalDecision, ApprovalRequest } from '../../../shared/domain/approval';

const HASH = 'a'.repeat(64);
const OBJECT_ID = '6f1c2d3e-0000-4000-8000-00000000a11c';
const GROUP_ID = '9b8a7c6d-0000-4000-8000-0000000050c0';

const request: ApprovalRequest = {
  instanceId: 'contain-178.16.52.203-1889',
  planHash: HASH,
  deadline: '2026-12-03T18:00:00.000Z',
  approvers: ['Alice.SOC@contoso.com', OBJECT_ID.toUpperCase(), GROUP_ID],
};

function decision(overrides: Partial<ApprovalDecision> = {}): ApprovalDecision {
  return {
    by: { userPrincipalName: 'alice.soc@CONTOSO.com' },
    planHash: HASH,
    approve: true,
    at: '2026-12-03T10:00:00.000Z',
    ...overrides,
  };
}

describe('decideApproval', () => {
  it('accepts an approval from a listed UPN whatever its case', () => {
    const outcome = decideApproval(request, decision());

    expect(outcome).toEqual({
      accepted: true,
      approve: true,
      decidedBy: 'alice.soc@CONTOSO.com',
      request: { ...request, decided: decision() },
    });
  });

  it('accepts an approver named by object id or by one of their groups', () => {
    const byObject = decideApproval(request, decision({ by: { objectId: OBJECT_ID } }));
    const byGroup = decideApproval(
      request,
      decision({ by: { userPrincipalName: 'bob@contoso.com', groupIds: ['x', GROUP_ID] } }),
    );

    expect(byObject.accepted && byObject.decidedBy).toBe(OBJECT_ID);
    expect(byGroup.accepted && byGroup.decidedBy).toBe('bob@contoso.com');
  });

  it('refuses a caller who is not on the approver list', () => {
    const outcome = decideApproval(
      request,
      decision({ by: { userPrincipalName: 'mallory@contoso.com' } }),
    );

    expect(outcome).toEqual({
      accepted: false,
      code: 'not-approver',
      message:
        'mallory@contoso.com is not on the approver list for this block, so the decision was not recorded.',
    });
  });

  it('refuses a decision that names another plan', () => {
    const outcome = decideApproval(request, decision({ planHash: 'b'.repeat(64) }));

    expect(!outcome.accepted && outcome.code).toBe('plan-changed');
  });

  it('refuses a second decision once one was recorded', () => {
    const decided = {
      ...request,
      decided: decision({ by: { userPrincipalName: 'carol@contoso.com' } }),
    };
    const outcome = decideApproval(decided, decision({ approve: false, reason: 'no' }));

    expect(outcome).toEqual({
      accepted: false,
      code: 'already-decided',
      message:
        'This block was already approved by carol@contoso.com at 2026-12-03T10:00:00.000Z; a second decision is not recorded.',
    });
  });

  it('refuses a decision at or after the deadline', () => {
    const atDeadline = decideApproval(request, decision({ at: request.deadline }));
    const late = decideApproval(request, decision({ at: '2026-12-04T00:00:00.000Z' }));

    expect(!atDeadline.accepted && atDeadline.code).toBe('expired');
    expect(!late.accepted && late.message).toBe(
      'The decision arrived at 2026-12-04T00:00:00.000Z, after the deadline of 2026-12-03T18:00:00.000Z; the timeout policy applies instead.',
    );
  });

  it('refuses a rejection without a reason', () => {
    const outcome = decideApproval(request, decision({ approve: false, reason: '   ' }));

    expect(!outcome.accepted && outcome.code).toBe('missing-reason');
  });

  it('accepts a rejection with a reason', () => {
    const outcome = decideApproval(
      request,
      decision({ approve: false, reason: 'vendor endpoint' }),
    );

    expect(outcome.accepted && outcome.approve).toBe(false);
  });

  it('tells a non-approver nothing about a plan already decided', () => {
    const decided = { ...request, decided: decision() };
    const outcome = decideApproval(
      decided,
      decision({ by: { userPrincipalName: 'mallory@contoso.com' } }),
    );

    expect(!outcome.accepted && outcome.code).toBe('not-approver');
  });
});

describe('isApprover', () => {
  it('never matches an empty identity against an empty list entry', () => {
    expect(isApprover(['', ' '], { userPrincipalName: '' })).toBe(false);
  });
});

describe('decideApproval when the approval must say why', () => {
  const note = 'ThreatFox marks this host as compromised; say why blocking it is right.';
  const noted: ApprovalRequest = { ...request, requireReason: note };

  it('refuses an approval without a reason, in the words the analyst was shown', () => {
    expect(decideApproval(noted, decision({ reason: '  ' }))).toEqual({
      accepted: false,
      code: 'missing-reason',
      message: note,
    });
  });

  it('accepts an approval whose reason acknowledges the note', () => {
    const outcome = decideApproval(noted, decision({ reason: 'known compromised CMS, blocking' }));

    expect(outcome.accepted).toBe(true);
  });

  it('still lets an approval without a reason through when nothing requires one', () => {
    expect(decideApproval(request, decision()).accepted).toBe(true);
  });
});
