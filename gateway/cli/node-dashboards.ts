// Node reader of the --dashboards folder: every *.json file under it whose real path stays inside it (symlinks out are skipped).
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { DashboardFile } from '../dashboards/provision.ts';

/** Files larger than this are reported instead of read. */
export const MAX_DASHBOARD_FILE_BYTES = 8 << 20;
/** At most this many files are read per request. */
export const MAX_DASHBOARD_FILES = 1000;
const MAX_DEPTH = 8;

/** True when `child` is `root` or below it (both real, absolute paths). */
export function isWithin(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel.split(sep)[0] !== '..' && !isAbsolute(rel));
}

/**
 * Reads the folder's dashboard files. Entries are resolved to their real paths and skipped unless inside the
 * folder's real path, so a symlink cannot expose files elsewhere; unreadable or oversized files come back with an
 * error instead of text.
 */
export function nodeDashboardFiles(dir: string): () => Promise<DashboardFile[]> {
  return async () => {
    let root: string;
    try {
      root = await realpath(dir);
    } catch (e) {
      return [{ path: '.', text: '', error: `cannot read the dashboards folder ${dir}: ${(e as Error).message}` }];
    }
    const out: DashboardFile[] = [];
    const visited = new Set<string>();
    const walk = async (real: string, depth: number): Promise<void> => {
      if (visited.has(real) || depth > MAX_DEPTH) return;
      visited.add(real);
      let names: string[];
      try {
        names = (await readdir(real)).sort();
      } catch {
        return;
      }
      for (const name of names) {
        if (out.length >= MAX_DASHBOARD_FILES) return;
        if (name.startsWith('.')) continue;
        let target: string;
        try {
          target = await realpath(join(real, name));
        } catch {
          continue;
        }
        if (!isWithin(root, target)) continue;
        const st = await stat(target).catch(() => null);
        if (st === null) continue;
        if (st.isDirectory()) await walk(target, depth + 1);
        else if (st.isFile() && name.toLowerCase().endsWith('.json')) {
          const path = relative(root, join(real, name)).split(sep).join('/');
          if (st.size > MAX_DASHBOARD_FILE_BYTES) out.push({ path, text: '', error: `file too large (${st.size} bytes; at most ${MAX_DASHBOARD_FILE_BYTES})` });
          else {
            try {
              out.push({ path, text: await readFile(target, 'utf8') });
            } catch (e) {
              out.push({ path, text: '', error: `cannot read: ${(e as Error).message}` });
            }
          }
        }
      }
    };
    await walk(root, 0);
    return out;
  };
}
