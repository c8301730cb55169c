// A small REST API modelled on WCS's: POST /rest-api/call/find_all and
// POST /rest-api/call/terminate, plus /rest-api/gateway/stats. Every answer carries
// `Access-Control-Allow-Origin: *` so pages on another origin (the test runner) can call it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Switchboard } from './call.js';
import { isRecord, str } from './protocol.js';
import type { Logger } from './util.js';

export const REST_PREFIX = '/rest-api';
const MAX_BODY = 64 * 1024;

export interface RestContext {
  switchboard: Pick<Switchboard, 'findAll' | 'terminate'>;
  stats: () => object;
  logger: Logger;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
};

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Handles a request under /rest-api. */
export async function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS);
    res.end();
    return;
  }
  const route = path.slice(REST_PREFIX.length);
  const known = ['/call/find_all', '/call/terminate', '/gateway/stats'];
  if (!known.includes(route)) {
    reply(res, 404, { error: 'Not Found', path });
    return;
  }
  const getAllowed = route !== '/call/terminate';
  if (req.method !== 'POST' && !(getAllowed && req.method === 'GET')) {
    reply(res, 405, { error: 'Method Not Allowed' });
    return;
  }
  let body: Record<string, unknown> = {};
  if (req.method === 'POST') {
    let text: string;
    try {
      text = await readBody(req);
    } catch {
      reply(res, 413, { error: 'Payload Too Large' });
      return;
    }
    if (text.trim()) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        ctx.logger.warn(`REST ${route}: malformed JSON body`);
        reply(res, 400, { error: 'Bad Request', message: 'malformed JSON' });
        return;
      }
      if (!isRecord(value)) {
        reply(res, 400, { error: 'Bad Request', message: 'expected a JSON object' });
        return;
      }
      body = value;
    }
  }
  switch (route) {
    case '/call/find_all':
      reply(res, 200, ctx.switchboard.findAll());
      return;
    case '/gateway/stats':
      reply(res, 200, ctx.stats());
      return;
    case '/call/terminate': {
      const callId = str(body, 'callId');
      if (!callId) {
        reply(res, 400, { error: 'Bad Request', message: 'callId is required' });
        return;
      }
      if (!ctx.switchboard.terminate(callId)) {
        reply(res, 404, { error: 'Not Found', message: `no call ${callId}` });
        return;
      }
      reply(res, 200, { callId, status: 'TERMINATED' });
      return;
    }
  }
}
