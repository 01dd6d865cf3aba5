import type { JudgedFinding } from '../domain/finding';
import { exclusionText, processText, remoteEndpointText } from '../domain/incidentComment';
import { html, type SafeHtml } from './safeHtml';

/** The hunt findings behind a verdict: the same columns as the incident comment, plus the table. */
export function findingsTable(findings: readonly JudgedFinding[], caption: string): SafeHtml {
  if (findings.length === 0) return html`<p>No findings: the hunts found no traffic.</p>`;

  return html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Process and folder</th>
          <th scope="col">Remote endpoint</th>
          <th scope="col">Count</th>
          <th scope="col">First seen</th>
          <th scope="col">Last seen</th>
          <th scope="col">Exclusion</th>
        </tr>
      </thead>
      <tbody>
        ${findings.map(
          (finding) =>
            html`<tr>
              <td>
                ${finding.device}<br /><small
                  >${finding.table === 'DeviceNetworkEvents' ? 'Defender for Endpoint' : 'firewall log'}</small
                >
              </td>
              <td class="process">${processText(finding)}</td>
              <td class="endpoint">${remoteEndpointText(finding)}</td>
              <td class="num">${finding.count}</td>
              <td>${finding.firstSeen}</td>
              <td>${finding.lastSeen}</td>
              <td>${exclusionText(finding)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
