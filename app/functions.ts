import { readConfiguration } from '../shared/config/configuration';
import { registerTriggers } from '../triggers/registerTriggers';
import { azurePorts } from './azurePorts';
import { registerResponder } from './registerResponder';

/**
 * The Functions host's entry point (package.json `main`). Configuration is read and validated once;
 * an invalid one throws here, so the host reports every problem and registers nothing rather than
 * running half configured.
 */
const configuration = readConfiguration(process.env);
const ports = azurePorts(configuration);

registerResponder(ports);
registerTriggers({
  configuration,
  audit: ports.audit,
  securityGroups: ports.securityGroups,
  clock: ports.clock,
  orchestrationClient: ports.orchestrationClient,
  antiForgeryKey: configuration.antiForgeryKey
    ? Buffer.from(configuration.antiForgeryKey, 'base64')
    : undefined,
});
