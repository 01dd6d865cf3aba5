/**
 * Did the firewall let the session through? Each vendor has its own DeviceAction vocabulary
 * (samples/README "Format notes", EXPECTED.md "Firewall actions"): FortiGate logs an allowed TCP
 * session when it ends (close, timeout, client-rst, server-rst; accept for UDP), Palo Alto says
 * allow, Check Point Accept; deny, drop, reset-both, Drop, Reject and Block mean it did not.
 * Undefined for a word none of them uses (Check Point's "Alerted", for instance).
 */
const ALLOWED = new Set([
  'accept',
  'allow',
  'close',
  'timeout',
  'client-rst',
  'server-rst',
  'start',
]);
const DENIED = new Set([
  'deny',
  'drop',
  'reject',
  'block',
  'reset-both',
  'reset-client',
  'reset-server',
]);

export function firewallAllowed(action: string): boolean | undefined {
  const word = action.trim().toLowerCase();
  if (ALLOWED.has(word)) return true;
  if (DENIED.has(word)) return false;

  return undefined;
}
