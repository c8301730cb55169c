// Application keys for "Call us" buttons (`--apps FILE`): the local stand-in for WCS's
// application keys and its REST `connect` hook, where the site's back end decides which
// account a page's session calls from and whom it may call. A page then needs no password:
// its session names an app key (the websdk's `appKey`), and the key's entry says the rest.
//
// The file: {"APP_KEY": {"account": "10099", "callees": ["10006", "sales-*"], "password": "..."}}
//   account   the caller's identity (in SIP mode, the account that signs in to the SIP server)
//   callees   who the session may call: exact numbers, or patterns where * matches anything
//   password  SIP mode only: the account's SIP password (kept on the server, never sent)
import { readFileSync } from 'node:fs';
import { accountOf } from './protocol.js';

export interface App {
  readonly key: string;
  readonly account: string;
  readonly callees: readonly string[];
  readonly password?: string;
}

/** The app key the websdk sends when a page names none. */
export const DEFAULT_APP_KEY = 'defaultApp';

/** Checks an apps object; throws a readable error when it is malformed. */
export function validateApps(value: unknown, source = 'apps'): Map<string, App> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: expected a JSON object {"appKey": {"account": ..., "callees": [...]}}`);
  }
  const apps = new Map<string, App>();
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (!key || key === DEFAULT_APP_KEY) throw new Error(`${source}: ${JSON.stringify(key)} cannot be an app key`);
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`${source}: ${key}: expected an object`);
    const { account, callees, password } = e;
    if (typeof account !== 'string' || !account || /[\s@:;<>]/.test(account)) throw new Error(`${source}: ${key}: account must be a login`);
    if (!Array.isArray(callees) || callees.length === 0 || !callees.every((c) => typeof c === 'string' && c.length > 0)) {
      throw new Error(`${source}: ${key}: callees must be a non-empty list of numbers or patterns`);
    }
    if (password !== undefined && typeof password !== 'string') throw new Error(`${source}: ${key}: password must be a string`);
    apps.set(key, { key, account, callees: callees as string[], ...(password !== undefined ? { password } : {}) });
  }
  return apps;
}

export function loadAppsFile(file: string): Map<string, App> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read apps file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`apps file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return validateApps(value, file);
}

/** True when `app` may call `callee` (a number or SIP address: its account part is matched). */
export function mayCallTo(app: App, callee: string): boolean {
  const target = accountOf(callee);
  return app.callees.some((pattern) => {
    if (!pattern.includes('*')) return pattern === target;
    const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return regex.test(target);
  });
}
