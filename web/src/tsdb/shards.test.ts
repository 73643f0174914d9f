// Tests of the shard grouping: a metric's series that differ only in target labels share shards.
import { describe, expect, it } from 'vitest';
import { GROUPS_PER_METRIC, SHARD_SERIES, ShardAssigner, shardGroup } from './shards.ts';

const cpu = (instance: number, c: number, mode: string) => ({ __name__: 'node_cpu_seconds_total', cpu: String(c), instance: `i${instance}`, job: 'node', mode });

describe('shardGroup', () => {
  it('ignores target and bucket labels and label order, and keeps names and values apart', () => {
    expect(shardGroup({ __name__: 'h_bucket', handler: '/a', le: '0.1' })).toBe(shardGroup({ __name__: 'h_bucket', handler: '/a', le: '+Inf' }));
    expect(shardGroup({ __name__: 'h_bucket', handler: '/a', le: '0.1' })).not.toBe(shardGroup({ __name__: 'h_bucket', handler: '/b', le: '0.1' }));
    expect(shardGroup(cpu(1, 0, 'idle'))).toBe(shardGroup({ mode: 'idle', cpu: '0', __name__: 'node_cpu_seconds_total', instance: 'x' }));
    expect(shardGroup(cpu(1, 0, 'idle'))).not.toBe(shardGroup(cpu(1, 0, 'user')));
    expect(shardGroup({ __name__: 'm', a: 'b' })).not.toBe(shardGroup({ __name__: 'm', ab: '' }));
    expect(shardGroup({ __name__: 'm', a: 'b' })).not.toBe(shardGroup({ __name__: 'n', a: 'b' }));
  });
});

describe('ShardAssigner', () => {
  it('stores each mode of a metric apart, with all its targets together', () => {
    const a = new ShardAssigner(1);
    const shardOf = new Map<string, number>();
    for (let i = 0; i < 10; i++) for (let c = 0; c < 4; c++) for (const m of ['idle', 'user']) shardOf.set(`${i}/${c}/${m}`, a.assign(cpu(i, c, m)));
    const idle = new Set([...shardOf].filter(([k]) => k.endsWith('idle')).map(([, s]) => s));
    const user = new Set([...shardOf].filter(([k]) => k.endsWith('user')).map(([, s]) => s));
    expect(idle.size).toBe(4);
    expect(user.size).toBe(4);
    expect([...idle].some((s) => user.has(s))).toBe(false);
    expect(a.next).toBe(9);
  });

  it('opens another shard when a group is full', () => {
    const a = new ShardAssigner(3);
    const shards = Array.from({ length: SHARD_SERIES + 1 }, (_, i) => a.assign({ __name__: 'up', instance: String(i) }));
    expect(shards.filter((s) => s === 3)).toHaveLength(SHARD_SERIES);
    expect(shards[SHARD_SERIES]).toBe(4);
  });

  it('packs groups past the per-metric limit by name', () => {
    const a = new ShardAssigner(1);
    const shards = Array.from({ length: GROUPS_PER_METRIC + 2 * SHARD_SERIES }, (_, i) => a.assign({ __name__: 'req', path: `/p${i}` }));
    expect(new Set(shards.slice(0, GROUPS_PER_METRIC)).size).toBe(GROUPS_PER_METRIC);
    const rest = shards.slice(GROUPS_PER_METRIC);
    expect(new Set(rest).size).toBe(2);
    expect(rest.filter((s) => s === rest[0])).toHaveLength(SHARD_SERIES);
  });

  it('continues the shards of stored series', () => {
    const a = new ShardAssigner(1);
    a.load(cpu(0, 0, 'idle'), 7);
    a.load({ __name__: 'up', instance: 'a' }, 2);
    expect(a.next).toBe(8);
    expect(a.assign(cpu(1, 0, 'idle'))).toBe(7);
    expect(a.assign({ __name__: 'up', instance: 'b' })).toBe(2);
    expect(a.assign(cpu(1, 0, 'user'))).toBe(8);
  });
});
