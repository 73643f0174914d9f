// The StateStore port over a directory of files (`<key>.json`, or the key itself when it has an extension), written atomically; node.ts injects the file system.

import type { StateStore } from './state-store.ts';

/** The few file operations the store needs (node:fs/promises fits). */
export interface StateFiles {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, opts: { recursive: true }): Promise<unknown>;
}

/** A file per key in `dir`; a write goes to a temporary file first so a crash never leaves half a blob. */
export class FileStateStore implements StateStore {
  private made = false;
  /** Writes per key are serialised so an older blob never lands after a newer one. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly fs: StateFiles,
    private readonly dir: string,
  ) {}

  private path(key: string): string {
    const name = key.replace(/[^A-Za-z0-9_.-]/g, '_');
    return `${this.dir.replace(/\/+$/, '')}/${/\.[a-z]+$/.test(name) ? name : `${name}.json`}`;
  }

  async get(key: string): Promise<string | null> {
    try {
      return await this.fs.readFile(this.path(key), 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return null;
      throw e;
    }
  }

  put(key: string, value: string): Promise<void> {
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev
      .catch(() => undefined)
      .then(async () => {
        if (!this.made) {
          await this.fs.mkdir(this.dir, { recursive: true });
          this.made = true;
        }
        const target = this.path(key);
        await this.fs.writeFile(`${target}.tmp`, value, 'utf8');
        await this.fs.rename(`${target}.tmp`, target);
      });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }
}
