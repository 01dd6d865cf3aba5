import { z } from 'zod';

/**
 * Orchestration history as the Durable Task extension hands it to the JavaScript library:
 * PascalCase DTFx events. Type numbers from DurableTask.Core `EventType` (mirrored in
 * durable-functions lib/src/history/HistoryEventType.js).
 */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
} as const;

export type HistoryEventTypeNumber = (typeof HistoryEventType)[keyof typeof HistoryEventType];

export const historyEventSchema = z.object({
  EventType: z.literal(Object.values(HistoryEventType)),
  /** The task number for TaskScheduled and TimerCreated; -1 elsewhere, as in DTFx. */
  EventId: z.number().int(),
  IsPlayed: z.boolean(),
  Timestamp: z.string(),
  Name: z.string().optional(),
  /** JSON text, as DTFx stores payloads. */
  Input: z.string().optional(),
  Result: z.string().optional(),
  TaskScheduledId: z.number().int().optional(),
  TimerId: z.number().int().optional(),
  FireAt: z.string().optional(),
  Reason: z.string().optional(),
  Details: z.string().optional(),
  OrchestrationStatus: z.string().optional(),
});

export type HistoryEvent = z.infer<typeof historyEventSchema>;

/** An event waiting to be delivered to its instance: delivery stamps IsPlayed and Timestamp. */
export const pendingEventSchema = historyEventSchema.omit({ IsPlayed: true, Timestamp: true });

export type PendingEvent = z.infer<typeof pendingEventSchema>;

/** JSON text for a payload; `undefined` stays absent, as an orchestration without input has none. */
export function toJsonText(value: unknown): string | undefined {
  return value === undefined ? undefined : JSON.stringify(value);
}

export function executionStarted(name: string, input: unknown): PendingEvent {
  return {
    EventType: HistoryEventType.ExecutionStarted,
    EventId: -1,
    Name: name,
    Input: toJsonText(input),
  };
}

export function eventRaised(name: string, data: unknown): PendingEvent {
  return {
    EventType: HistoryEventType.EventRaised,
    EventId: -1,
    Name: name,
    Input: toJsonText(data),
  };
}

/** An activity without a return value completes with JSON `null`, as the extension records it. */
export function taskCompleted(taskNumber: number, result: unknown): PendingEvent {
  return {
    EventType: HistoryEventType.TaskCompleted,
    EventId: -1,
    TaskScheduledId: taskNumber,
    Result: JSON.stringify(result ?? null),
  };
}

/** The library turns Reason and Details into `new Error(`${Reason} \n ${Details}`)`. */
export function taskFailed(taskNumber: number, reason: string, details: string): PendingEvent {
  return {
    EventType: HistoryEventType.TaskFailed,
    EventId: -1,
    TaskScheduledId: taskNumber,
    Reason: reason,
    Details: details,
  };
}

export function timerFired(timerNumber: number, fireAt: string): PendingEvent {
  return {
    EventType: HistoryEventType.TimerFired,
    EventId: -1,
    TimerId: timerNumber,
    FireAt: fireAt,
  };
}

export function delivered(event: PendingEvent, timestamp: string): HistoryEvent {
  return { ...event, IsPlayed: false, Timestamp: timestamp };
}

export function orchestratorStarted(timestamp: string): HistoryEvent {
  return {
    EventType: HistoryEventType.OrchestratorStarted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
  };
}

export function orchestratorCompleted(timestamp: string): HistoryEvent {
  return {
    EventType: HistoryEventType.OrchestratorCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
  };
}

export function taskScheduled(
  taskNumber: number,
  name: string,
  input: unknown,
  timestamp: string,
): HistoryEvent {
  return {
    EventType: HistoryEventType.TaskScheduled,
    EventId: taskNumber,
    IsPlayed: false,
    Timestamp: timestamp,
    Name: name,
    Input: toJsonText(input),
  };
}

export function timerCreated(timerNumber: number, fireAt: string, timestamp: string): HistoryEvent {
  return {
    EventType: HistoryEventType.TimerCreated,
    EventId: timerNumber,
    IsPlayed: false,
    Timestamp: timestamp,
    FireAt: fireAt,
  };
}

export function executionCompleted(
  status: 'Completed' | 'Failed',
  result: unknown,
  timestamp: string,
): HistoryEvent {
  return {
    EventType: HistoryEventType.ExecutionCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: timestamp,
    OrchestrationStatus: status,
    Result: toJsonText(result),
  };
}
