// Runs the SampleStore contract against the in-memory store.
import { it } from 'vitest';
import { storeContract } from './contract.ts';
import { MemorySampleStore } from './memoryStore.ts';

for (const c of storeContract.filter((c) => !c.durable)) {
  it(c.name, () => c.run({ open: async () => new MemorySampleStore() }));
}
