import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { securityGroupFromArm, securityRuleFromArm } from '../../domain/armSecurityGroup';
import { MAX_RULE_DESCRIPTION_LENGTH } from '../../domain/blockDescription';
import { limitProblem, NSG_LIMITS } from '../../domain/nsgLimits';
import { isValidRuleName, MAX_RULE_NAME_LENGTH } from '../../domain/ruleName';
import type { SecurityGroup, SecurityRule } from '../../domain/securityGroup';
import { ValidationError } from '../../domain/validationError';
import type { NetworkSecurityGroups } from '../../ports/networkSecurityGroups';
import { NotFoundError, PriorityTakenError, RuleLimitError } from '../../ports/portErrors';
import type { ArmNsgDocument, ArmSecurityRule } from './armNsgDocument';
import { armRuleDocument, parseArmNsgDocument } from './armNsgDocument';
import { createFileAtomic, isMissingFile, readJsonFile, writeJsonAtomic } from './atomicFile';
import { withFileLock } from './fileLock';
import { StateDirectory } from './stateDirectory';

export interface NsgDocumentsOptions {
  /** Default `.c2-responder` in the working directory. */
  readonly stateDirectory?: string;
  /** NSG documents (`*.json`, ARM GET shape) copied into the state on first use when absent there. */
  readonly seedDirectory?: string;
}

/**
 * NSGs as ARM GET documents in `<state>/nsgs/<name>.json`, changed one rule at a time the way the
 * securityRules child resource is, with the checks ARM makes, so a plan that works here works there.
 */
export class NsgDocuments implements NetworkSecurityGroups {
  private readonly state: StateDirectory;
  private readonly seedDirectory: string | undefined;
  private seeded: Promise<void> | undefined;

  constructor(options: NsgDocumentsOptions = {}) {
    this.state = new StateDirectory(options.stateDirectory);
    this.seedDirectory = options.seedDirectory;
  }

  async get(nsgId: string): Promise<SecurityGroup> {
    const document = await this.read(nsgId);

    return securityGroupFromArm(document);
  }

  async putRule(nsgId: string, rule: SecurityRule): Promise<SecurityRule> {
    checkRule(rule);
    const path = await this.pathOf(nsgId);

    return withFileLock(path, async () => {
      const document = await this.read(nsgId);
      const rules = document.properties.securityRules;
      checkAgainstOthers(securityGroupFromArm(document), rule);

      const etag = newEtag();
      const written = armRuleDocument(document.id, rule, etag);
      const index = rules.findIndex((existing) => existing.name === rule.name);
      const next =
        index === -1 ? [...rules, written] : rules.map((r, i) => (i === index ? written : r));
      await writeJsonAtomic(path, withRules(document, next, etag));

      return securityRuleFromArm(written);
    });
  }

  async deleteRule(nsgId: string, ruleName: string): Promise<void> {
    const path = await this.pathOf(nsgId);

    await withFileLock(path, async () => {
      const document = await this.read(nsgId);
      const rules = document.properties.securityRules;
      if (!rules.some((rule) => rule.name === ruleName)) return;

      const etag = newEtag();
      const next = rules.filter((rule) => rule.name !== ruleName);
      await writeJsonAtomic(path, withRules(document, next, etag));
    });
  }

  private async read(nsgId: string): Promise<ArmNsgDocument> {
    const path = await this.pathOf(nsgId);
    const value = await readJsonFile(path);
    if (value === undefined)
      throw new NotFoundError(`NSG ${nsgId} not found in ${this.state.nsgs}`);

    const document = parseArmNsgDocument(value, path);
    // ARM ids are case-insensitive.
    if (document.id.toLowerCase() !== nsgId.toLowerCase()) {
      throw new NotFoundError(`NSG ${nsgId} not found: ${path} holds ${document.id}`);
    }
    return document;
  }

  /** The document of an NSG is found by the last segment (the name) of its ARM id. */
  private async pathOf(nsgId: string): Promise<string> {
    await this.seed();
    const name = nsgId.split('/').filter(Boolean).at(-1) ?? '';
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new NotFoundError(`NSG ${nsgId} not found`);

    return join(this.state.nsgs, `${name}.json`);
  }

  private seed(): Promise<void> {
    this.seeded ??= this.copySeeds().catch((error: unknown) => {
      this.seeded = undefined;
      throw error;
    });
    return this.seeded;
  }

  private async copySeeds(): Promise<void> {
    await this.state.ensure(this.state.nsgs);
    if (!this.seedDirectory) return;

    const files = (
      await readdir(this.seedDirectory).catch((error: unknown) => {
        if (isMissingFile(error))
          throw new NotFoundError(`NSG seed directory ${this.seedDirectory} does not exist`);
        throw error;
      })
    ).filter((file) => file.endsWith('.json'));
    for (const file of files.sort()) {
      const source = join(this.seedDirectory, file);
      const text = await readFile(source, 'utf8');
      const document = parseArmNsgDocument(JSON.parse(text) as unknown, source);
      await createFileAtomic(join(this.state.nsgs, `${document.name}.json`), text);
    }
  }
}

function checkRule(rule: SecurityRule): void {
  const problems: string[] = [];
  if (rule.name.length > MAX_RULE_NAME_LENGTH) {
    problems.push(`name is ${rule.name.length} characters, ARM allows ${MAX_RULE_NAME_LENGTH}`);
  } else if (!isValidRuleName(rule.name)) {
    problems.push(`name ${JSON.stringify(rule.name)} is not a valid ARM rule name`);
  }
  const descriptionLength = rule.description?.length ?? 0;
  if (descriptionLength > MAX_RULE_DESCRIPTION_LENGTH) {
    problems.push(
      `description is ${descriptionLength} characters, ARM allows ${MAX_RULE_DESCRIPTION_LENGTH}`,
    );
  }
  if (
    !Number.isInteger(rule.priority) ||
    rule.priority < NSG_LIMITS.lowestPriority ||
    rule.priority > NSG_LIMITS.highestPriority
  ) {
    problems.push(
      `priority ${rule.priority} is outside ${NSG_LIMITS.lowestPriority}..${NSG_LIMITS.highestPriority}`,
    );
  }
  const pairs = [
    ['sourceAddressPrefix', 'es', rule.sourceAddressPrefix, rule.sourceAddressPrefixes],
    ['sourcePortRange', 's', rule.sourcePortRange, rule.sourcePortRanges],
    [
      'destinationAddressPrefix',
      'es',
      rule.destinationAddressPrefix,
      rule.destinationAddressPrefixes,
    ],
    ['destinationPortRange', 's', rule.destinationPortRange, rule.destinationPortRanges],
  ] as const;
  for (const [field, suffix, singular, plural] of pairs) {
    const hasPlural = (plural?.length ?? 0) > 0;
    if (singular !== undefined && hasPlural)
      problems.push(`${field} and ${field}${suffix} are both set`);
    if (singular === undefined && !hasPlural)
      problems.push(`${field} or ${field}${suffix} is required`);
  }

  if (problems.length > 0) throw new ValidationError(`security rule ${rule.name}`, problems);
}

function checkAgainstOthers(group: SecurityGroup, rule: SecurityRule): void {
  const clash = group.rules.find(
    (other) =>
      other.name !== rule.name &&
      other.direction === rule.direction &&
      other.priority === rule.priority,
  );
  if (clash) {
    throw new PriorityTakenError(
      `${group.name}: ${rule.direction} priority ${rule.priority} is held by ${clash.name}`,
    );
  }

  const limit = limitProblem(group, [rule]);
  if (limit) throw new RuleLimitError(limit.reason);
}

/** ARM gives the NSG and every rule in it one new etag on each change. */
function withRules(
  document: ArmNsgDocument,
  rules: readonly ArmSecurityRule[],
  etag: string,
): ArmNsgDocument {
  return {
    ...document,
    etag,
    properties: {
      ...document.properties,
      provisioningState: 'Succeeded',
      securityRules: rules.map((rule) => ({ ...rule, etag })),
    },
  };
}

function newEtag(): string {
  return `W/"${randomUUID()}"`;
}
