// A Scheduler backed by one Durable Object alarm: every timer sits in one queue, and one wake-up runs all due ones.
import type { Clock, Scheduler, TimerHandle } from '../runtime/ports.ts';

/** Where the durable wake-up is set: the Durable Object's alarm (`ctx.storage.setAlarm`). */
export interface AlarmPort {
  setAlarm(at: number): void;
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * The gateway's timers on Workers. While the object is in memory, one in-memory timer (the "pump") fires the
 * earliest entry, so short timers such as scrape timeouts and stream heartbeats work; the Durable Object alarm
 * mirrors the earliest entry so an evicted object is woken to scrape again. Both run every due timer at once, so
 * targets that fall due together are scraped in one invocation. The alarm is rewritten only when the earliest
 * timer moves before the armed time, or when an alarm invocation ends: one storage write per wake-up at most.
 */
export class AlarmScheduler implements Scheduler {
  private readonly queue = new Map<number, Timer>();
  private nextId = 1;
  private pump: TimerHandle | null = null;
  private pumpAt = Infinity;
  /** The alarm time we last set (null: none pending). */
  private armedAt: number | null;
  private inAlarm = false;

  constructor(
    private readonly clock: Clock,
    /** Real in-memory timers (globalThis.setTimeout on Workers). */
    private readonly timers: Scheduler,
    private readonly alarm: AlarmPort,
    /** The alarm already pending in storage when the object woke up, if any. */
    armedAt: number | null = null,
  ) {
    this.armedAt = armedAt;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { id: this.nextId++, at: this.clock.now() + Math.max(0, ms), fn };
    this.queue.set(timer.id, timer);
    this.reschedule();
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    // The pump and alarm may now fire early for nothing; they find no due timer and re-arm, which is cheap.
    if (typeof handle === 'number') this.queue.delete(handle);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.queue.size;
  }

  /** Due time of the earliest timer, or null when none is waiting. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const t of this.queue.values()) if (next === null || t.at < next) next = t.at;
    return next;
  }

  /** The alarm fired: the stored alarm is spent; run what is due. Call endAlarm() once the work it started settled. */
  beginAlarm(): number {
    this.inAlarm = true;
    this.armedAt = null;
    return this.runDue();
  }

  /**
   * One alarm invocation's work: runs what is due, then awaits `settle` (the fetches those timers started) and runs
   * whatever became due meanwhile (a scrape → a rule evaluation → a notifier flush with group_wait 0), for at most
   * `rounds` waits. Returns how many timers ran. Call endAlarm() afterwards.
   */
  async runAlarm(settle: () => Promise<unknown>, rounds: number): Promise<number> {
    let ran = this.beginAlarm();
    for (let round = 0; round < rounds; round++) {
      await settle();
      const next = this.nextDue();
      if (next === null || next > this.clock.now()) break;
      ran += this.runDue();
    }
    return ran;
  }

  /** Ends an alarm invocation and arms the next one for the earliest timer left. */
  endAlarm(): void {
    this.inAlarm = false;
    this.reschedule();
  }

  /** Runs every timer due now, earliest first; timers they add are left for the next wake-up. Returns how many ran. */
  runDue(): number {
    const now = this.clock.now();
    const due = [...this.queue.values()].filter((t) => t.at <= now).sort((a, b) => a.at - b.at || a.id - b.id);
    let ran = 0;
    for (const t of due) {
      // An earlier callback may have cleared this one.
      if (!this.queue.delete(t.id)) continue;
      ran++;
      try {
        t.fn();
      } catch (e) {
        // One failing callback must not starve the others; the gateway's timers do not throw by design.
        console.error('sightline: timer callback failed:', e);
      }
    }
    return ran;
  }

  private reschedule(): void {
    const next = this.nextDue();
    if (next === null) return;
    if (next < this.pumpAt) {
      if (this.pump !== null) this.timers.clearTimeout(this.pump);
      this.pumpAt = next;
      this.pump = this.timers.setTimeout(() => this.onPump(), Math.max(0, next - this.clock.now()));
    }
    // During an alarm invocation the next alarm is set once, at its end.
    if (!this.inAlarm && (this.armedAt === null || next < this.armedAt)) {
      this.armedAt = next;
      this.alarm.setAlarm(next);
    }
  }

  private onPump(): void {
    this.pump = null;
    this.pumpAt = Infinity;
    this.runDue();
    this.reschedule();
  }
}
