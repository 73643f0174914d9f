// Tests for the alarm-backed scheduler: one queue, batched wake-ups, and as few alarm writes as possible.
import { describe, expect, it } from 'vitest';
import { FakeTime } from '../runtime/fake-time.ts';
import { AlarmScheduler } from './alarm-scheduler.ts';

function setup(armedAt: number | null = null) {
  const time = new FakeTime(1_000_000);
  const alarms: number[] = [];
  const scheduler = new AlarmScheduler(time, time, { setAlarm: (at) => alarms.push(at) }, armedAt);
  return { time, alarms, scheduler };
}

describe('AlarmScheduler', () => {
  it('fires in-memory timers at their due time while the object is resident', async () => {
    const { time, scheduler } = setup();
    const fired: string[] = [];
    scheduler.setTimeout(() => fired.push(`b@${time.now()}`), 200);
    scheduler.setTimeout(() => fired.push(`a@${time.now()}`), 100);
    await time.advance(150);
    expect(fired).toEqual(['a@1000100']);
    await time.advance(100);
    expect(fired).toEqual(['a@1000100', 'b@1000200']);
    expect(scheduler.pending).toBe(0);
  });

  it('arms the alarm for the earliest timer and rewrites it only when an earlier one arrives', () => {
    const { scheduler, alarms } = setup();
    scheduler.setTimeout(() => undefined, 5000);
    scheduler.setTimeout(() => undefined, 9000);
    scheduler.setTimeout(() => undefined, 2000);
    expect(alarms).toEqual([1_005_000, 1_002_000]);
  });

  it('keeps an alarm that was already pending when the object woke up', () => {
    const { scheduler, alarms } = setup(1_003_000);
    scheduler.setTimeout(() => undefined, 5000);
    expect(alarms).toEqual([]);
    scheduler.setTimeout(() => undefined, 1000);
    expect(alarms).toEqual([1_001_000]);
  });

  it('runs every due timer in one alarm invocation, in due order, and arms the next alarm once at its end', () => {
    // The isolate was evicted: no in-memory timer fires, the clock has moved past three timers when the alarm comes.
    let now = 1_000_000;
    const alarms: number[] = [];
    const noTimers = { setTimeout: () => 0, clearTimeout: () => undefined };
    const scheduler = new AlarmScheduler({ now: () => now }, noTimers, { setAlarm: (at) => alarms.push(at) });
    const calls: string[] = [];
    scheduler.setTimeout(() => calls.push('y'), 500);
    scheduler.setTimeout(() => calls.push('x'), 100);
    scheduler.setTimeout(() => scheduler.setTimeout(() => calls.push('z'), 0), 550);
    scheduler.setTimeout(() => calls.push('later'), 2000);
    expect(alarms).toEqual([1_000_500, 1_000_100]);
    now = 1_000_600;
    alarms.length = 0;
    expect(scheduler.beginAlarm()).toBe(3);
    expect(calls).toEqual(['x', 'y']);
    // No alarm writes while the invocation runs; one at its end, for the timer added meanwhile (due now).
    expect(alarms).toEqual([]);
    scheduler.endAlarm();
    expect(alarms).toEqual([1_000_600]);
    expect(scheduler.nextDue()).toBe(1_000_600);
  });

  it('skips cleared timers and survives a throwing callback', async () => {
    const { time, scheduler } = setup();
    const fired: string[] = [];
    const h = scheduler.setTimeout(() => fired.push('cleared'), 100);
    scheduler.setTimeout(() => {
      throw new Error('boom');
    }, 100);
    scheduler.setTimeout(() => fired.push('kept'), 100);
    scheduler.clearTimeout(h);
    const error = console.error;
    console.error = () => undefined;
    try {
      await time.advance(100);
    } finally {
      console.error = error;
    }
    expect(fired).toEqual(['kept']);
  });

  it('runs follow-up work made due during an alarm in the same invocation, for a bounded number of rounds', async () => {
    const { time, alarms, scheduler } = setup();
    const log: string[] = [];
    // A scrape due now whose result triggers an evaluation, which triggers a flush, which triggers another flush.
    scheduler.setTimeout(() => {
      log.push('scrape');
      scheduler.setTimeout(() => {
        log.push('evaluate');
        scheduler.setTimeout(() => {
          log.push('flush');
          scheduler.setTimeout(() => log.push('again'), 0);
        }, 0);
      }, 0);
    }, 0);
    scheduler.setTimeout(() => log.push('next scrape'), 1000);
    alarms.length = 0;
    let settled = 0;
    const ran = await scheduler.runAlarm(async () => {
      settled++;
    }, 2);
    expect(log).toEqual(['scrape', 'evaluate', 'flush']);
    expect([ran, settled]).toEqual([3, 2]);
    // Nothing was written to the alarm during the invocation; its end arms the earliest timer left (the follow-up).
    expect(alarms).toEqual([]);
    scheduler.endAlarm();
    expect(alarms).toEqual([time.now()]);
    expect(scheduler.pending).toBe(2);
  });

  it('stops waiting once nothing is due', async () => {
    const { scheduler } = setup();
    scheduler.setTimeout(() => undefined, 0);
    scheduler.setTimeout(() => undefined, 500);
    let settled = 0;
    expect(await scheduler.runAlarm(async () => void settled++, 4)).toBe(1);
    expect(settled).toBe(1);
  });
});
