import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogFields, Logger, LogLevel } from './logger.ts';
import { isCredentialName, REDACTED, redactSecrets } from './redact-secrets.ts';

export { redactSecrets } from './redact-secrets.ts';

export const LOG_FILE_NAME = 'uploader.log';

export interface FileLoggerOptions {
  dir: string;
  /** Lines below this level are dropped. Default 'info'. */
  level?: LogLevel;
  /** Receives each entry as one readable, already redacted line (no trailing newline), e.g. for a terminal. */
  echo?: (line: string) => void;
  /** The current file is rotated before it would grow past this. Default 5 MiB. */
  maxBytes?: number;
  /** How many files exist at most, the current one included (uploader.log, .1, .2). Default 3. */
  keepFiles?: number;
  now?: () => Date;
}

export type FileLogger = Logger & { close(): Promise<void> };

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * JSON lines in dir/uploader.log: {"time","level","message","fields"}.
 *
 * Every line is written with appendFileSync. A buffered write stream would lose its queued
 * lines when the process exits abruptly (process.exit, an uncaught exception, the host killing
 * the utility process), and those are exactly the lines that explain a crash. A synchronous
 * append hands the line to the OS before log() returns, so the process may die right after
 * and the line survives. The cost, a few system calls per line, is small at the uploader's log
 * volume (progress is reported by events, not logged per chunk). No file stays open, so
 * rotating is a plain rename on every platform, Windows included.
 */
export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const file = join(options.dir, LOG_FILE_NAME);
  const minRank = LEVEL_RANK[options.level ?? 'info'];
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const keepFiles = Math.max(1, options.keepFiles ?? 3);
  const now = options.now ?? (() => new Date());
  try {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`cannot create the log folder ${options.dir}: ${describe(error)}`, { cause: error });
  }
  let size = currentSize(file);
  let closed = false;
  let reportedFailure = false;

  const reportFailure = (error: unknown) => {
    if (reportedFailure) return;
    reportedFailure = true;
    // Logging must never take the uploader down; say so once, where someone may see it.
    console.error(`recording uploader: cannot write the log file ${file}: ${describe(error)}`);
  };

  const append = (line: string) => {
    const bytes = Buffer.byteLength(line);
    if (size > 0 && size + bytes > maxBytes) {
      try {
        rotate(file, keepFiles);
        size = 0;
      } catch (error) {
        // Keep appending to the oversized file rather than lose lines.
        reportFailure(error);
      }
    }
    try {
      appendLine(file, options.dir, line);
      size += bytes;
      reportedFailure = false;
    } catch (error) {
      reportFailure(error);
    }
  };

  const write = (level: LogLevel, message: string, fields?: LogFields) => {
    if (closed || LEVEL_RANK[level] < minRank) return;
    const entry = {
      time: now().toISOString(),
      level,
      message: redactSecrets(message),
      fields: redactFields(fields),
    };
    append(`${JSON.stringify(entry)}\n`);
    options.echo?.(readableLine(entry));
  };

  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    close: async () => {
      closed = true;
    },
  };
}

function appendLine(file: string, dir: string, line: string): void {
  try {
    appendFileSync(file, line, { mode: 0o600 });
  } catch (error) {
    // Someone tidied the data folder while the uploader ran: make the folder again.
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    appendFileSync(file, line, { mode: 0o600 });
  }
}

/** uploader.log → .1 → .2 …; the oldest falls off the end. */
function rotate(file: string, keepFiles: number): void {
  if (keepFiles === 1) {
    rmSync(file, { force: true });
    return;
  }
  for (let index = keepFiles - 1; index >= 1; index--) {
    const from = index === 1 ? file : `${file}.${index - 1}`;
    if (existsSync(from)) renameSync(from, `${file}.${index}`);
  }
}

function redactFields(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined) return undefined;
  const result: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') result[name] = value;
    else result[name] = isCredentialName(name) ? REDACTED : redactSecrets(value);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function readableLine(entry: { time: string; level: LogLevel; message: string; fields?: LogFields }): string {
  const parts = [entry.time, entry.level.toUpperCase().padEnd(5), entry.message];
  for (const [name, value] of Object.entries(entry.fields ?? {})) {
    if (value === undefined) continue;
    const text = String(value);
    parts.push(`${name}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`);
  }
  return parts.join(' ');
}

function currentSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
