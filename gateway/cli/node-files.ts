// Node's FileSource: reads files, expands one-segment glob patterns (file_sd, scrape_config_files) and watches directories.
import { watch, type FSWatcher } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { globSegmentRegExp, hasGlobMeta } from '../../shared/config/paths.ts';
import type { FileSource, LogDir } from '../runtime/ports.ts';

/** The file system as the gateway's FileSource port. */
export const nodeFiles: FileSource = {
  read: (path) => readFile(path, 'utf8'),

  async glob(pattern) {
    const dir = dirname(pattern);
    const last = basename(pattern);
    if (!hasGlobMeta(last)) {
      try {
        return (await stat(pattern)).isFile() ? [pattern] : [];
      } catch {
        return [];
      }
    }
    const re = globSegmentRegExp(last);
    if (re === null) throw new Error(`malformed pattern ${JSON.stringify(last)}`);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    return names.filter((n) => re.test(n)).map((n) => join(dir, n));
  },

  watch(dirs, onChange) {
    const watchers: FSWatcher[] = [];
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => onChange());
        // A removed directory or a full inotify table must not crash the gateway: polling still covers it.
        w.on('error', () => w.close());
        watchers.push(w);
      } catch {
        // Missing directory: refresh_interval polling picks the files up once it exists.
      }
    }
    return () => {
      for (const w of watchers) w.close();
    };
  },
};

/** A directory as the head log's LogDir (created on first use). */
export function nodeLogDir(path: string): LogDir {
  let made: Promise<unknown> | null = null;
  const ensure = () => (made ??= mkdir(path, { recursive: true }));
  return {
    async list() {
      try {
        return await readdir(path);
      } catch {
        return [];
      }
    },
    async read(name) {
      try {
        return await readFile(join(path, name), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async append(name, text) {
      await ensure();
      await appendFile(join(path, name), text);
    },
    async replace(name, text) {
      await ensure();
      const tmp = join(path, `.${name}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, join(path, name));
    },
    async remove(name) {
      await rm(join(path, name), { force: true });
    },
  };
}
