import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PatronError, translateDbError } from '../../domain/errors.js';
import { importOrdersFile, type ImportOptions } from '../../domain/import/import-orders.js';
import { FIELDS, parseMapFlags, type Field } from '../../domain/import/mapping.js';
import { appendAudit, getImportBatch, listImportBatches, listImportRejects } from '../../storage/audit.repo.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses, IdParams } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const ImportSummarySchema = z
  .object({
    batchId: z.number().int(),
    source: z.string(),
    read: z.number().int(),
    imported: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
    anonymous: z.number().int(),
    returns: z.number().int(),
    orders: z.number().int(),
    lines: z.number().int(),
    customersCreated: z.number().int(),
    productsCreated: z.number().int(),
    venuesCreated: z.number().int(),
    encoding: z.string(),
    delimiter: z.string(),
    columns: z.record(z.string(), z.number()),
    durationMs: z.number(),
  })
  .meta({ id: 'ImportSummary' });

const ImportBatchSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  sourceName: z.string(),
  fileSha256: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: z.enum(['running', 'completed', 'failed']),
  actor: z.string(),
  summary: z.unknown(),
});

/** Multipart text fields of an upload, parsed like the CLI's flags. */
const ImportFieldsSchema = z.object({
  layout: z.enum(['orders', 'baskets']).optional(),
  header: z.enum(['true', 'false', 'auto']).optional(),
  delimiter: z.enum([',', ';', '|', 'tab', '\t', 'whitespace']).optional(),
  encoding: z.string().max(40).optional(),
  dateFormat: z.enum(['auto', 'iso', 'ymd', 'dmy', 'mdy']).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  defaultDate: z.string().max(40).optional(),
  returnPrefix: z.string().max(20).optional(),
  idPrefix: z.string().max(60).optional(),
  map: z.array(z.string().max(4000)).optional(),
});

function parseMap(values: string[] | undefined): Partial<Record<Field, string>> | undefined {
  if (!values || values.length === 0) return undefined;
  let map: Partial<Record<Field, string>>;
  if (values.length === 1 && values[0]!.trim().startsWith('{')) {
    let obj: unknown;
    try {
      obj = JSON.parse(values[0]!);
    } catch {
      throw new PatronError('VALIDATION', 'map: not valid JSON', { issues: [{ path: 'body.map', message: 'not valid JSON' }] });
    }
    const parsed = z.record(z.string(), z.string().max(200)).safeParse(obj);
    if (!parsed.success) throw new PatronError('VALIDATION', 'map: expected {"field": "column", ...}');
    map = parsed.data as Partial<Record<Field, string>>;
  } else {
    map = parseMapFlags(values);
  }
  for (const k of Object.keys(map)) {
    if (!(FIELDS as readonly string[]).includes(k)) {
      throw new PatronError('VALIDATION', `map: unknown field ${k}; fields: ${FIELDS.join(', ')}`);
    }
  }
  return map;
}

function tooLarge(limit: number): PatronError {
  return new PatronError('PAYLOAD_TOO_LARGE', `upload larger than the limit of ${limit} bytes (PATRON_MAX_UPLOAD_MB)`);
}

/**
 * Spools the one uploaded file to a private temp directory, bounded by config.maxUploadBytes,
 * and collects the text fields. Importing from a complete file (rather than the live request
 * stream) means an upload cut off at the limit never starts an import.
 */
async function receiveUpload(request: FastifyRequest, dir: string, limit: number) {
  const fields: Record<string, string[]> = {};
  let file: { path: string; name: string } | null = null;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (file) throw new PatronError('VALIDATION', 'send one file per import');
        const name = basename(part.filename || 'upload.csv').slice(0, 200);
        const path = join(dir, 'upload');
        await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
        if (part.file.truncated) throw tooLarge(limit);
        file = { path, name };
      } else {
        (fields[part.fieldname] ??= []).push(String(part.value));
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limit);
    throw e;
  }
  if (!file) throw new PatronError('VALIDATION', 'no file: send the CSV as a multipart field named "file"', { issues: [{ path: 'body.file', message: 'required' }] });
  return { file, fields };
}

export function registerImportRoutes(app: App, deps: AppDeps): void {
  const limit = deps.config.maxUploadBytes;

  app.post(
    '/api/imports/orders',
    {
      onRequest: requirePermission('imports:run'),
      schema: {
        tags: ['imports'],
        summary: 'Import an order file (multipart/form-data)',
        description:
          `Fields: \`file\` (CSV/TSV/whitespace-separated, required, at most the server's upload limit, ` +
          `PATRON_MAX_UPLOAD_MB; larger uploads get 413), and optional \`layout\` (orders|baskets), \`header\` (true|false|auto), ` +
          '`delimiter` (, ; | tab whitespace), `encoding`, `dateFormat` (auto|iso|ymd|dmy|mdy), `decimalSeparator` (. or ,), ' +
          '`defaultDate`, `returnPrefix`, `idPrefix`, and `map`: either one JSON object {"order_id": "InvoiceNo", ...} or ' +
          'repeated `field=column` values. Same semantics as `patron import orders`. The import is one transaction; ' +
          'rejected rows are counted and kept with the batch. With `?progress=ndjson` the answer is ' +
          'application/x-ndjson instead: one line `{"type":"progress","bytes","totalBytes","rows"}` per chunk of orders ' +
          'as the import runs, then `{"type":"done","summary":{...}}` (the summary below) or `{"type":"error","error":{code,message}}`. ' +
          'Errors found before the import starts (upload, fields) are ordinary HTTP errors either way.',
        consumes: ['multipart/form-data'],
        querystring: z.object({ progress: z.enum(['ndjson']).optional() }),
        response: { 200: ImportSummarySchema, ...errorResponses, 413: ErrorSchema },
      },
    },
    async (request, reply) => {
      // Refuse an obviously oversized body before reading it (multipart adds a little framing).
      const declared = Number(request.headers['content-length'] ?? 0);
      if (declared > limit + 64 * 1024) throw tooLarge(limit);
      if (!request.isMultipart()) throw new PatronError('VALIDATION', 'send multipart/form-data with a "file" field');
      let dir: string | null = await mkdtemp(join(tmpdir(), 'patron-upload-'));
      try {
        const { file, fields } = await receiveUpload(request, dir, limit);
        const single = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'map').map(([k, v]) => [k, v[v.length - 1]]));
        const parsed = ImportFieldsSchema.safeParse({ ...single, map: fields.map });
        if (!parsed.success) throw parsed.error;
        const f = parsed.data;
        const w = writeContext(request, deps);
        const options: Partial<ImportOptions> = {
          sourceName: file.name,
          layout: f.layout,
          header: f.header === undefined || f.header === 'auto' ? undefined : f.header === 'true',
          delimiter: f.delimiter === 'tab' ? '\t' : f.delimiter,
          encoding: f.encoding,
          dateFormat: f.dateFormat,
          decimalSeparator: f.decimalSeparator,
          defaultDate: f.defaultDate,
          returnPrefix: f.returnPrefix,
          idPrefix: f.idPrefix,
          map: parseMap(f.map),
          actor: w.actor,
        };
        const run = async (onProgress?: (p: { bytes: number; totalBytes: number | null; rows: number }) => void) => {
          const summary = await importOrdersFile(deps.db, file.path, options, { onProgress });
          await appendAudit(deps.db.kysely, {
            at: deps.clock().toISOString(),
            actor: w.actor,
            action: 'import',
            entity: 'import_batch',
            entityId: summary.batchId,
            detail: { source: summary.source, read: summary.read, imported: summary.imported, updated: summary.updated, rejected: summary.rejected },
          });
          return summary;
        };
        if (request.query.progress !== 'ndjson') return await run();
        // Progress as the import runs: the answer streams one JSON line per chunk of orders, so a
        // browser can show how far a long import has got; the last line is the summary or the error.
        const out = new PassThrough();
        const line = (x: unknown) => out.write(JSON.stringify(x) + '\n');
        const cleanup = dir;
        dir = null;
        void run((p) => line({ type: 'progress', ...p }))
          .then((summary) => line({ type: 'done', summary }))
          .catch((e: unknown) => {
            const err = translateDbError(e as Error);
            if (err instanceof PatronError) line({ type: 'error', error: { code: err.code, message: err.message } });
            else {
              request.log.error({ err: e }, 'import failed');
              line({ type: 'error', error: { code: 'INTERNAL', message: `internal error (request ${request.id}); the server log has the details` } });
            }
          })
          .finally(() => {
            out.end();
            void rm(cleanup, { recursive: true, force: true });
          });
        // A stream bypasses the JSON response schema (Fastify sends streams as they are).
        return reply.type('application/x-ndjson; charset=utf-8').header('cache-control', 'no-store').send(out as never);
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
  );

  app.get(
    '/api/imports',
    {
      onRequest: requirePermission('imports:read'),
      schema: {
        tags: ['imports'],
        summary: 'Import batches, newest first',
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ items: z.array(ImportBatchSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listImportBatches(deps.db.kysely, request.query);
      return {
        items: rows.map((b) => ({
          id: b.id,
          kind: b.kind,
          sourceName: b.source_name,
          fileSha256: b.file_sha256,
          startedAt: b.started_at,
          finishedAt: b.finished_at,
          status: b.status,
          actor: b.actor,
          summary: b.summary === null ? null : (JSON.parse(b.summary) as unknown),
        })),
      };
    },
  );

  app.get(
    '/api/imports/:id/rejects',
    {
      onRequest: requirePermission('imports:read'),
      schema: {
        tags: ['imports'],
        summary: 'Rejected rows of an import batch, with line number and reason',
        params: IdParams,
        querystring: z.object({
          afterLine: z.coerce.number().int().min(0).optional().describe('Pagination: rows after this line'),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: {
          200: z.object({
            items: z.array(z.object({ line: z.number().int(), reason: z.string(), raw: z.string().nullable() })),
            nextAfterLine: z.number().int().nullable(),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      if (!(await getImportBatch(deps.db.kysely, request.params.id))) {
        throw new PatronError('NOT_FOUND', `import batch ${request.params.id} not found`);
      }
      const { limit, afterLine } = request.query;
      const rows = await listImportRejects(deps.db.kysely, { batchId: request.params.id, afterLine, limit: limit + 1 });
      const items = rows.slice(0, limit);
      return { items, nextAfterLine: rows.length > limit ? items[items.length - 1]!.line : null };
    },
  );
}
