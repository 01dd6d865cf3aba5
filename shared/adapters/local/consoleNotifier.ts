import type { Writable } from 'node:stream';

import type { ApprovalNotice, Notifier } from '../../ports/notifier';

/**
 * Tells the person at the console that a decision is awaited: the local stand-in for the webhook.
 * The notice carries the product's approval address only, never a management link or key.
 */
export class ConsoleNotifier implements Notifier {
  private readonly output: Writable;

  constructor(output: Writable = process.stdout) {
    this.output = output;
  }

  async notifyApprovalRequested(notice: ApprovalNotice): Promise<void> {
    const incidents = notice.incidentNumbers.map((number) => `#${number}`).join(', ');
    const text = [
      `Approval needed: block ${notice.indicator} (verdict ${notice.verdict}; incidents ${incidents || 'none'}).`,
      `  Decide before ${notice.deadline}: ${notice.approvalUrl}`,
      ...(notice.note ? [`  Note: ${notice.note}`] : []),
      '',
    ].join('\n');

    await new Promise<void>((resolve, reject) => {
      this.output.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }
}
