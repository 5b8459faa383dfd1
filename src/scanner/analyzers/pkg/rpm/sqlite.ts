import { DatabaseSync } from 'node:sqlite';

export class RpmSqliteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RpmSqliteError';
  }
}

/**
 * Header blobs of an rpm SQLite database (`rpmdb.sqlite`, rpm ≥ 4.16): the `blob` column of table `Packages`,
 * in install order. The file is loaded into an in-memory database, so nothing is written to disk; rpm leaves the
 * file in WAL mode, which an in-memory copy cannot use, so the copy is switched to rollback-journal mode first.
 */
export function* rpmSqliteBlobs(file: Buffer): Generator<Buffer> {
  if (file.length < 100 || file.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') {
    throw new RpmSqliteError('not an SQLite database');
  }
  const image = Buffer.from(file);
  if (image[18] === 2) image[18] = 1;
  if (image[19] === 2) image[19] = 1;
  const db = new DatabaseSync(':memory:');
  try {
    db.enableDefensive(true);
    try {
      db.deserialize(image);
    } catch (error) {
      throw new RpmSqliteError(`cannot open the database: ${String(error)}`, { cause: error });
    }
    let rows: Iterable<Record<string, unknown>>;
    try {
      rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').iterate();
    } catch (error) {
      throw new RpmSqliteError(`no readable Packages table: ${String(error)}`, { cause: error });
    }
    try {
      for (const row of rows) {
        const blob = row.blob;
        if (blob instanceof Uint8Array) yield Buffer.from(blob);
      }
    } catch (error) {
      if (error instanceof RpmSqliteError) throw error;
      throw new RpmSqliteError(`reading Packages failed: ${String(error)}`, { cause: error });
    }
  } finally {
    db.close();
  }
}
