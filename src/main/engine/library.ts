import type { Db } from '../db/connection';
import { openDatabase } from '../db/connection';
import { DocumentsRepo } from '../db/documents';
import { FailedFilesRepo } from '../db/failed-files';
import { FailureEventsRepo } from '../db/failure-events';
import { FileIndexRepo } from '../db/file-index';
import { RawPathsRepo } from '../db/raw-paths';
import { RunsRepo } from '../db/runs';
import { UnsupportedFilesRepo } from '../db/unsupported-files';
import { WatchedFoldersRepo } from '../db/watched-folders';
import { BatchWriter } from './writer';

/** The database and one repository per table, shared by every run of an engine. */
export class Library {
  readonly documents: DocumentsRepo;
  readonly failed: FailedFilesRepo;
  readonly failureEvents: FailureEventsRepo;
  readonly fileIndex: FileIndexRepo;
  readonly runs: RunsRepo;
  readonly watched: WatchedFoldersRepo;
  readonly unsupported: UnsupportedFilesRepo;
  readonly rawPaths: RawPathsRepo;
  readonly writer: BatchWriter;

  constructor(readonly db: Db) {
    this.documents = new DocumentsRepo(db);
    this.failureEvents = new FailureEventsRepo(db);
    this.failed = new FailedFilesRepo(db, this.failureEvents);
    this.fileIndex = new FileIndexRepo(db);
    this.runs = new RunsRepo(db);
    this.watched = new WatchedFoldersRepo(db);
    this.unsupported = new UnsupportedFilesRepo(db);
    this.rawPaths = new RawPathsRepo(db);
    this.writer = new BatchWriter(db);
  }

  /** `readonly`: for commands that only look (no migration, no write; works on a read-only file). */
  static open(path: string, opts: { readonly?: boolean } = {}): Library {
    return new Library(openDatabase(path, { readonly: opts.readonly }));
  }

  close(): void {
    this.writer.flush();
    this.db.close();
  }
}
