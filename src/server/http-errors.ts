import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { httpStatus, PatronError, translateDbError } from '../domain/errors.js';

/**
 * The one place that turns errors into HTTP answers, all shaped `{ error: { code, message, details? } }`:
 * PatronError by its code; request validation to 400 with the field paths; Fastify's own client
 * errors (bad JSON, body too large, rate limit) by their status; anything else to a generic 500
 * that is logged with the request id but never shows internals to the caller.
 */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface FieldIssue {
  path: string;
  message: string;
}

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  const body: ErrorBody = { error: details === undefined ? { code, message } : { code, message, details } };
  return reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function issuesMessage(issues: FieldIssue[]): string {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return first ? `${first.path || 'request'}: ${first.message}${more}` : 'invalid request';
}

const STATUS_CODES: Record<number, string> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const context = (err as { validationContext?: string }).validationContext ?? 'request';
    const issues: FieldIssue[] = err.validation.map((v) => ({
      path: [context, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return send(reply, 400, 'VALIDATION', issuesMessage(issues), { issues });
  }
  if (err instanceof ZodError) {
    const issues: FieldIssue[] = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return send(reply, 400, 'VALIDATION', issuesMessage(issues), { issues });
  }
  const e = translateDbError(err);
  if (e instanceof PatronError) {
    if (e.kind === 'operational') request.log.warn({ err: e }, e.message);
    return send(reply, httpStatus(e.code), e.code, e.message, e.details);
  }
  if (isFastifyClientError(err)) {
    const status = (err as FastifyError).statusCode!;
    return send(reply, status, STATUS_CODES[status] ?? 'BAD_REQUEST', err.message);
  }
  if (isResponseSerializationError(err as FastifyError & { method?: string })) {
    request.log.error({ err, issues: (err as { cause?: ZodError }).cause?.issues }, 'response does not match its schema');
  } else {
    request.log.error({ err }, 'unexpected error');
  }
  return send(reply, 500, 'INTERNAL', `internal error (request ${request.id}); the server log has the details`);
}

function isFastifyClientError(err: unknown): boolean {
  const status = (err as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function sendNotFound(request: FastifyRequest, reply: FastifyReply) {
  return send(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
}
