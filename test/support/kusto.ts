import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'csv-parse/sync';

/**
 * Microsoft's Kusto parser (`@kusto/language-service-next`) for tests: schema-aware diagnostics
 * against the real column lists of both hunt tables, and a tiny evaluator of the syntax tree of
 * the exclusion `case()` expression, covering exactly the operators the renderer emits.
 *
 * Facts (ARCHITECTURE "Facts about that parser"): bridge.js must load first and both files only
 * define globals; the returned lists are .NET collections (iterate with Count/getItem); the first
 * analysis costs about a second, so keep the KQL checks in one test file.
 */

/** A .NET IReadOnlyList as the bridge exposes it. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars
interface DotNetList<T> {
  readonly Count?: number;
}

interface Diagnostic {
  readonly Message: string;
  readonly Start: number;
}

interface ColumnSymbol {
  readonly Name: string;
  readonly Type: { readonly Name: string };
}

interface KustoCode {
  readonly ResultType: { readonly Columns?: DotNetList<ColumnSymbol> } | null;
  GetDiagnostics(): DotNetList<Diagnostic>;
  GetSyntaxDiagnostics(): DotNetList<Diagnostic>;
  readonly Syntax: SyntaxNode;
}

interface SyntaxNode {
  readonly constructor: { readonly $$name: string };
  WalkElements(action: (element: SyntaxNode) => void): void;
}

interface KustoLanguage {
  readonly KustoCode: {
    Parse(text: string): KustoCode;
    ParseAndAnalyze(text: string, globals: unknown): KustoCode;
  };
  readonly GlobalState: { readonly Default: { WithDatabase(database: unknown): unknown } };
  readonly Symbols: {
    readonly TableSymbol: {
      $ctor7: new (name: string, schema: string, description: null) => unknown;
    };
    readonly DatabaseSymbol: {
      ctor: new (name: string, members: unknown[], isOpen: boolean) => unknown;
    };
  };
}

let language: KustoLanguage | undefined;
let globals: unknown;

function kusto(): KustoLanguage {
  if (!language) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@kusto/language-service-next/bridge.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@kusto/language-service-next');
    language = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;
  }
  return language;
}

/** .NET collections have no `.length`; an empty list may not even report Count, so enumerate. */
function toArray<T>(list: DotNetList<T>): T[] {
  kusto();
  const bridge = (globalThis as unknown as { Bridge: BridgeGlobal }).Bridge;
  const enumerator = bridge.getEnumerator(list);
  const items: T[] = [];
  while (enumerator.moveNext()) items.push(enumerator.Current as T);
  return items;
}

interface BridgeGlobal {
  getEnumerator(list: unknown): { moveNext(): boolean; readonly Current: unknown };
}

const REFERENCE = join(__dirname, '../fixtures/reference');

/** `(Name:type, ...)` from a Log Analytics schema export (column,type,description). */
function schemaOf(file: string, extra: Readonly<Record<string, string>> = {}): string {
  const rows = parse(readFileSync(join(REFERENCE, file)), { columns: true }) as {
    column: string;
    type: string;
  }[];
  const columns = new Map(rows.map((row) => [row.column, row.type]));
  for (const [name, type] of Object.entries(extra)) if (!columns.has(name)) columns.set(name, type);

  return `(${[...columns].map(([name, type]) => `['${name}']:${type}`).join(', ')})`;
}

/** Sentinel's KQL validation schema adds Timestamp, which the write-up's hunt projects. */
function sentinelOnlyColumns(): Record<string, string> {
  const schema = JSON.parse(
    readFileSync(join(REFERENCE, 'devicenetworkevents_schema_sentinel_kqlvalidation.json'), 'utf8'),
  ) as { Properties: { Name: string; Type: string }[] };

  return Object.fromEntries(
    schema.Properties.map((property) => [property.Name, property.Type.toLowerCase()]),
  );
}

function schemaGlobals(): unknown {
  if (globals === undefined) {
    const k = kusto();
    const tables = [
      new k.Symbols.TableSymbol.$ctor7(
        'DeviceNetworkEvents',
        schemaOf('devicenetworkevents_schema_log_analytics.csv', sentinelOnlyColumns()),
        null,
      ),
      new k.Symbols.TableSymbol.$ctor7(
        'CommonSecurityLog',
        schemaOf('commonsecuritylog_schema_log_analytics.csv'),
        null,
      ),
    ];
    const database = new k.Symbols.DatabaseSymbol.ctor('law', tables, false);
    globals = k.GlobalState.Default.WithDatabase(database);
  }
  return globals;
}

/** Every diagnostic (syntax, names, types) of a query against the two hunt tables. */
export function kqlDiagnostics(query: string): string[] {
  const code = kusto().KustoCode.ParseAndAnalyze(query, schemaGlobals());

  return toArray(code.GetDiagnostics()).map(
    (diagnostic) => `${diagnostic.Message} (at ${diagnostic.Start})`,
  );
}

/** The columns (name -> Kusto type) the analyzer infers for the query's result. */
export function kqlResultColumns(query: string): Record<string, string> {
  const code = kusto().KustoCode.ParseAndAnalyze(query, schemaGlobals());
  const columns = code.ResultType?.Columns;
  if (!columns) throw new Error('the query has no tabular result');

  return Object.fromEntries(toArray(columns).map((column) => [column.Name, column.Type.Name]));
}

/** A rendered column exists in the table's schema (so a typo cannot pass silently). */
export function tableColumns(table: 'DeviceNetworkEvents' | 'CommonSecurityLog'): Set<string> {
  const schema =
    table === 'DeviceNetworkEvents'
      ? schemaOf('devicenetworkevents_schema_log_analytics.csv', sentinelOnlyColumns())
      : schemaOf('commonsecuritylog_schema_log_analytics.csv');

  return new Set([...schema.matchAll(/\['([^']+)'\]/g)].map((match) => match[1] as string));
}

// The syntax nodes the evaluator reads (names as the parser's classes).
interface BinaryNode extends SyntaxNode {
  readonly Left: SyntaxNode;
  readonly Operator: { readonly Text: string };
  readonly Right: SyntaxNode;
}
interface InNode extends SyntaxNode {
  readonly Left: SyntaxNode;
  readonly Operator: { readonly Text: string };
  readonly Right: { readonly Expressions: DotNetList<{ readonly Element: SyntaxNode }> };
}
interface CallNode extends SyntaxNode {
  readonly Name: { readonly SimpleName: string };
  readonly ArgumentList: { readonly Expressions: DotNetList<{ readonly Element: SyntaxNode }> };
}
interface ParenthesizedNode extends SyntaxNode {
  readonly Expression: SyntaxNode;
}
interface LiteralNode extends SyntaxNode {
  readonly LiteralValue: unknown;
}
interface NameNode extends SyntaxNode {
  readonly SimpleName: string;
}

type Value = string | boolean;
export type KqlRow = Readonly<Record<string, string | undefined>>;

/**
 * Parses `case(...)` with Microsoft's parser and returns a function that evaluates its syntax
 * tree over a row, with KQL's meaning of each operator (case-insensitive `=~`, `in~`, `contains`,
 * `startswith`, `endswith`, folding A-Z as ordinal ignore-case does for ASCII values; null
 * strings are empty). Throws on any node it does not know, so the
 * renderer cannot emit an operator this evaluator silently misreads.
 */
export function compileCaseExpression(expression: string): (row: KqlRow) => string {
  const code = kusto().KustoCode.Parse(`print Result = ${expression}`);
  const syntaxErrors = toArray(code.GetSyntaxDiagnostics());
  if (syntaxErrors.length > 0) {
    throw new Error(
      `the expression does not parse: ${syntaxErrors.map((d) => d.Message).join('; ')}`,
    );
  }
  let call: CallNode | undefined;
  code.Syntax.WalkElements((element) => {
    if (!call && nodeName(element) === 'FunctionCallExpression') call = element as CallNode;
  });
  if (!call || call.Name.SimpleName !== 'case') throw new Error('expected a case() expression');
  const root = call;

  return (row) => String(evaluate(root, row));
}

function nodeName(node: SyntaxNode): string {
  return node.constructor.$$name.replace('Kusto.Language.Syntax.', '');
}

function argumentsOf(node: CallNode): SyntaxNode[] {
  return toArray(node.ArgumentList.Expressions).map((element) => element.Element);
}

function evaluate(node: SyntaxNode, row: KqlRow): Value {
  switch (nodeName(node)) {
    case 'LiteralExpression': {
      const value = (node as LiteralNode).LiteralValue;
      if (typeof value !== 'string' && typeof value !== 'boolean') {
        throw new Error(`unsupported literal ${String(value)}`);
      }
      return value;
    }
    case 'NameReference':
      return row[(node as NameNode).SimpleName] ?? '';
    case 'ParenthesizedExpression':
      return evaluate((node as ParenthesizedNode).Expression, row);
    case 'BinaryExpression':
      return binary(node as BinaryNode, row);
    case 'InExpression': {
      const inNode = node as InNode;
      if (inNode.Operator.Text !== 'in~') throw new Error(`unsupported ${inNode.Operator.Text}`);
      const left = fold(text(evaluate(inNode.Left, row)));
      return toArray(inNode.Right.Expressions).some(
        (item) => fold(text(evaluate(item.Element, row))) === left,
      );
    }
    case 'FunctionCallExpression':
      return call(node as CallNode, row);
    default:
      throw new Error(`unsupported syntax ${nodeName(node)}`);
  }
}

function call(node: CallNode, row: KqlRow): Value {
  const args = argumentsOf(node);
  switch (node.Name.SimpleName) {
    case 'not':
      return !truth(evaluate(args[0] as SyntaxNode, row));
    case 'isnotempty':
      return text(evaluate(args[0] as SyntaxNode, row)).length > 0;
    case 'case': {
      for (let index = 0; index + 1 < args.length; index += 2) {
        if (truth(evaluate(args[index] as SyntaxNode, row))) {
          return evaluate(args[index + 1] as SyntaxNode, row);
        }
      }
      return evaluate(args[args.length - 1] as SyntaxNode, row);
    }
    default:
      throw new Error(`unsupported function ${node.Name.SimpleName}`);
  }
}

function binary(node: BinaryNode, row: KqlRow): Value {
  const operator = node.Operator.Text;
  if (operator === 'and')
    return truth(evaluate(node.Left, row)) && truth(evaluate(node.Right, row));
  if (operator === 'or') return truth(evaluate(node.Left, row)) || truth(evaluate(node.Right, row));

  const left = fold(text(evaluate(node.Left, row)));
  const right = fold(text(evaluate(node.Right, row)));
  switch (operator) {
    case '=~':
      return left === right;
    case 'contains':
      return left.includes(right);
    case 'startswith':
      return left.startsWith(right);
    case 'endswith':
      return left.endsWith(right);
    default:
      throw new Error(`unsupported operator ${operator}`);
  }
}

function fold(value: string): string {
  return value.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

function truth(value: Value): boolean {
  if (typeof value !== 'boolean')
    throw new Error(`expected a boolean, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: Value): string {
  if (typeof value !== 'string') throw new Error(`expected a string, got ${String(value)}`);
  return value;
}
