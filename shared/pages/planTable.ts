import type { BlockPlan } from '../domain/blockPlan';
import { html, type SafeHtml } from './safeHtml';

/** The exact NSG rules of a plan, one row a rule, as the analyst approves them. */
export function planTable(plan: BlockPlan, caption: string): SafeHtml {
  return html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">NSG</th>
          <th scope="col">Rule</th>
          <th scope="col">Priority</th>
          <th scope="col">Direction and access</th>
          <th scope="col">Destination</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        ${plan.rules.map(
          (planned) =>
            html`<tr>
              <td>${planned.nsgName}</td>
              <td class="mono">${planned.rule.name}</td>
              <td class="num">${planned.rule.priority}</td>
              <td>${planned.rule.direction} ${planned.rule.access}, ${planned.rule.protocol}</td>
              <td class="mono">
                ${planned.rule.destinationAddressPrefix ?? (planned.rule.destinationAddressPrefixes ?? []).join(', ')}:${planned.rule.destinationPortRange ?? (planned.rule.destinationPortRanges ?? []).join(', ')}
              </td>
              <td>${planned.state === 'new' ? 'new rule' : 'already present, kept'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
