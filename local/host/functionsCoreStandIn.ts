import Module from 'node:module';

/**
 * A stand-in for `@azure/functions-core`, the module the Functions worker injects into the app's
 * process. `@azure/functions` `app.generic` (behind `df.app.orchestration` / `df.app.activity`)
 * looks it up lazily on the first registration and, when it is missing, switches to a test mode
 * that silently drops every registration. Installing this stand-in first lets the offline host
 * receive the very handlers the worker would, with the app code unchanged.
 */

export type RegisteredKind = 'orchestration' | 'activity' | 'entity' | 'http' | 'timer' | 'other';

/** A binding as `@azure/functions` hands it to `registerFunction` (toCoreFunctionMetadata). */
export interface FunctionBinding {
  readonly type: string;
  readonly direction?: string;
  readonly [property: string]: unknown;
}

export interface FunctionMetadata {
  readonly name: string;
  readonly bindings: Readonly<Record<string, FunctionBinding>>;
  readonly retryOptions?: unknown;
}

/** The handler exactly as registered: `(triggerInput, invocationContext) => result`. */
export type RegisteredHandler = (triggerInput: unknown, context: unknown) => unknown;

export interface RegisteredFunction {
  readonly name: string;
  readonly kind: RegisteredKind;
  readonly triggerType: string;
  readonly metadata: FunctionMetadata;
  readonly handler: RegisteredHandler;
}

const MODULE_NAME = '@azure/functions-core';

const registry = new Map<string, RegisteredFunction>();
let registrationCount = 0;

function kindOf(triggerType: string): RegisteredKind {
  switch (triggerType) {
    case 'orchestrationTrigger':
      return 'orchestration';
    case 'activityTrigger':
      return 'activity';
    case 'entityTrigger':
      return 'entity';
    case 'httpTrigger':
      return 'http';
    case 'timerTrigger':
      return 'timer';
    default:
      return 'other';
  }
}

function triggerTypeOf(metadata: FunctionMetadata): string {
  const trigger = Object.values(metadata.bindings).find(
    (binding) => binding.direction === 'in' && binding.type.endsWith('Trigger'),
  );

  return trigger?.type ?? 'unknown';
}

/** The subset of the worker's core API that `@azure/functions` 4 calls. */
export const functionsCoreStandIn = {
  version: 'offline-host',
  registerFunction(metadata: FunctionMetadata, handler: RegisteredHandler): { dispose(): void } {
    const triggerType = triggerTypeOf(metadata);
    registry.set(metadata.name, {
      name: metadata.name,
      kind: kindOf(triggerType),
      triggerType,
      metadata,
      handler,
    });
    registrationCount += 1;

    return { dispose: () => registry.delete(metadata.name) };
  },
  setProgrammingModel(_model: unknown): void {},
  getProgrammingModel(): undefined {
    return undefined;
  },
  registerHook(_hookName: string, _callback: unknown): { dispose(): void } {
    return { dispose: () => undefined };
  },
  log(_level: string, _category: string, _message: string): void {},
};

/** Every function registered so far in this module registry, by name; a later one replaces an earlier. */
export function registeredFunctions(): ReadonlyMap<string, RegisteredFunction> {
  return new Map(registry);
}

/** How many `registerFunction` calls happened so far, to tell whether a loader registered anything. */
export function registrationsSoFar(): number {
  return registrationCount;
}

interface JestModuleApi {
  doMock(moduleName: string, factory: () => unknown, options: { virtual: boolean }): void;
}

/** Jest passes its runtime object to every module it loads as a wrapper parameter named `jest`. */
declare const jest: JestModuleApi | undefined;

type ModuleLoad = (request: string, parent: unknown, isMain: boolean) => unknown;

let installed = false;

/**
 * Makes `require('@azure/functions-core')` return the stand-in. Under Node it hooks
 * `Module._load`; under Jest, whose module registry bypasses Node's loader, it registers a virtual
 * module with the runtime's own `jest` object (injected into every module Jest loads). Idempotent.
 */
export function installFunctionsCoreStandIn(): void {
  if (installed) {
    return;
  }

  const jestApi = jestOfModule();
  if (jestApi !== undefined) {
    jestApi.doMock(MODULE_NAME, () => functionsCoreStandIn, { virtual: true });
  } else {
    const loader = Module as unknown as { _load: ModuleLoad };
    const originalLoad = loader._load;
    loader._load = function load(request, parent, isMain) {
      if (request === MODULE_NAME) {
        return functionsCoreStandIn;
      }
      return originalLoad.call(this, request, parent, isMain);
    };
  }
  installed = true;
}

function jestOfModule(): JestModuleApi | undefined {
  return typeof jest === 'undefined' ? undefined : jest;
}
