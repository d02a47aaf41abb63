import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded bytes live. The default keeps them under DATA_DIR/uploads so one
 * backup of the data folder holds everything; an object-store adapter can replace it.
 */
export interface Storage {
  put(key: string, data: Buffer): Promise<void>;
  /** Writes the chunks as they come (a large upload never sits in memory whole); nothing is left if they fail. */
  putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  read(key: string): Promise<Buffer>;
  /** The bytes, or the inclusive byte range start..end of them (HTTP Range requests for video). */
  stream(key: string, range?: { start: number; end: number }): NodeJS.ReadableStream;
  exists(key: string): Promise<boolean>;
  remove(key: string): Promise<void>;
  /** Every stored key (temp files of unfinished writes too) with when it was last written. */
  list(): AsyncIterable<{ key: string; modifiedAt: Date }>;
}

export function localDiskStorage(root: string): Storage {
  fs.mkdirSync(root, { recursive: true });
  const full = (key: string) => {
    // Keys are made by us (file ids), but refuse anything that could escape the root.
    if (!/^[a-z0-9_\-/.]+$/i.test(key) || key.includes('..')) throw new Error(`bad storage key ${key}`);
    return path.join(root, key);
  };
  return {
    async put(key, data) {
      const file = full(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        await fsp.writeFile(tmp, data);
        await fsp.rename(tmp, file); // readers never see half a file
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    },
    async putStream(key, chunks) {
      const file = full(key);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      try {
        await pipeline(chunks, fs.createWriteStream(tmp));
        await fsp.rename(tmp, file);
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    },
    read: (key) => fsp.readFile(full(key)),
    stream: (key, range) => fs.createReadStream(full(key), range),
    async exists(key) {
      try {
        await fsp.access(full(key));
        return true;
      } catch {
        return false;
      }
    },
    async remove(key) {
      await fsp.rm(full(key), { force: true });
    },
    async *list() {
      for (const rel of await fsp.readdir(root, { recursive: true })) {
        const stat = await fsp.stat(path.join(root, rel)).catch(() => null); // removed meanwhile
        if (stat?.isFile()) yield { key: rel.split(path.sep).join('/'), modifiedAt: stat.mtime };
      }
    },
  };
}
