import type { Clock } from '../../shared/ports/clock';

/**
 * The offline host's time. Orchestrator time is the OrchestratorStarted timestamp of each episode,
 * taken from this clock, and durable timers fire when it reaches their time.
 */
export interface HostClock extends Clock {
  /** Returns once `now()` has reached `time`: a real clock waits, a virtual clock jumps. */
  sleepUntil(time: Date): Promise<void>;
}

/** Wall-clock time for the command line: timers fire when they are due. */
export class RealClock implements HostClock {
  now(): Date {
    return new Date();
  }

  async sleepUntil(time: Date): Promise<void> {
    const waitMs = time.getTime() - Date.now();
    if (waitMs <= 0) {
      return;
    }

    await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
  }
}

/** Time that only moves when told to, so that tests of timers and deadlines run instantly. */
export class VirtualClock implements HostClock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advanceTo(time: Date | string): void {
    const target = new Date(time).getTime();
    if (Number.isNaN(target)) {
      throw new RangeError(`not a time: ${String(time)}`);
    }

    this.current = Math.max(this.current, target);
  }

  advanceBy(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`a clock only moves forward, not by ${ms} ms`);
    }

    this.current += ms;
  }

  async sleepUntil(time: Date): Promise<void> {
    this.advanceTo(time);
  }
}
