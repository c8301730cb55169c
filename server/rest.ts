// A small REST API modelled on WCS's: POST /rest-api/call/find_all and
// POST /rest-api/call/terminate, plus /rest-api/gateway/stats. It is off unless the gateway
// has a token (`--rest-token`), and every request must carry it (`Authorization: Bearer`).
// CORS answers only the origins given with `--allow-origin`, never `*`.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Switchboard } from './call.js';
import { isRecord, str } from './protocol.js';
import type { Logger } from './util.js';
import { safe, type OriginPolicy } from './security.js';

export const REST_PREFIX = '/rest-api';
const MAX_BODY = 64 * 1024;
/** A body this large is not read to its end: 413 at once, and the connection closes. */
const MAX_DRAINED = 1024 * 1024;

export interface RestContext {
  switchboard: Pick<Switchboard, 'findAll' | 'terminate'>;
  stats: () => object;
  logger: Logger;
  /** The bearer token REST requires; undefined: REST is off. */
  token: string | undefined;
  policy: OriginPolicy;
}

/** CORS headers for an allowed origin (none for any other: the browser then blocks the page). */
function cors(req: IncomingMessage, policy: OriginPolicy): Record<string, string> {
  const origin = req.headers.origin;
  if (!policy.allowsCors(origin)) return {};
  return {
    'Access-Control-Allow-Origin': origin!,
    'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

type Body = { ok: true; text: string } | { ok: false; tooLarge: true };

/** Reads a body up to MAX_BODY; past it, drains (to MAX_DRAINED) and says it was too large. */
function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
      else if (size > MAX_DRAINED) {
        req.pause();
        resolve({ ok: false, tooLarge: true });
      }
    });
    req.on('end', () => resolve(size > MAX_BODY ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', reject);
  });
}

/** Handles a request under /rest-api. */
export async function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
  const headers = cors(req, ctx.policy);
  const reply = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...headers, ...extra, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
  if (req.method === 'OPTIONS') {
    // A preflight carries no credentials: it only says which origins may ask.
    res.writeHead(204, headers);
    res.end();
    return;
  }
  if (ctx.token === undefined) {
    reply(404, { error: 'Not Found', message: 'the REST API is off: start the gateway with --rest-token' });
    return;
  }
  const auth = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
  if (!auth || !sameToken(auth[1]!, ctx.token)) {
    ctx.logger.warn(`REST ${safe(path)} from ${safe(req.socket.remoteAddress)}: ${auth ? 'wrong' : 'no'} token`);
    reply(401, { error: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer realm="sip-phone gateway"' });
    return;
  }
  const route = path.slice(REST_PREFIX.length);
  const known = ['/call/find_all', '/call/terminate', '/gateway/stats'];
  if (!known.includes(route)) {
    reply(404, { error: 'Not Found', path });
    return;
  }
  const getAllowed = route !== '/call/terminate';
  if (req.method !== 'POST' && !(getAllowed && req.method === 'GET')) {
    reply(405, { error: 'Method Not Allowed' });
    return;
  }
  let body: Record<string, unknown> = {};
  if (req.method === 'POST') {
    const read = await readBody(req);
    if (!read.ok) {
      reply(413, { error: 'Payload Too Large', message: `at most ${MAX_BODY} bytes` }, { Connection: 'close' });
      res.on('finish', () => req.destroy());
      return;
    }
    if (read.text.trim()) {
      let value: unknown;
      try {
        value = JSON.parse(read.text);
      } catch {
        ctx.logger.warn(`REST ${safe(route)}: malformed JSON body`);
        reply(400, { error: 'Bad Request', message: 'malformed JSON' });
        return;
      }
      if (!isRecord(value)) {
        reply(400, { error: 'Bad Request', message: 'expected a JSON object' });
        return;
      }
      body = value;
    }
  }
  switch (route) {
    case '/call/find_all':
      reply(200, ctx.switchboard.findAll());
      return;
    case '/gateway/stats':
      reply(200, ctx.stats());
      return;
    case '/call/terminate': {
      const callId = str(body, 'callId');
      if (!callId) {
        reply(400, { error: 'Bad Request', message: 'callId is required' });
        return;
      }
      if (!ctx.switchboard.terminate(callId)) {
        reply(404, { error: 'Not Found', message: `no call ${safe(callId)}` });
        return;
      }
      reply(200, { callId, status: 'TERMINATED' });
      return;
    }
  }
}
