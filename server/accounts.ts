// SIP accounts: a JSON file `{"<login>": "<password>", ...}`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timingSafeEqual } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The demo accounts file that ships with the gateway (10005-10008): beside this module when
 * run from source, one folder up when run from the compiled `dist/`.
 */
export const DEFAULT_ACCOUNTS_FILE = [resolve(here, 'accounts.json'), resolve(here, '..', 'accounts.json')].find((f) => existsSync(f)) ?? resolve(here, 'accounts.json');

export type AccountMap = Record<string, string>;

/** Checks an accounts object; throws a readable error when it is not `{login: password}`. */
export function validateAccounts(value: unknown, source = 'accounts'): AccountMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: expected a JSON object {"login": "password"}`);
  }
  const accounts: AccountMap = {};
  for (const [login, password] of Object.entries(value)) {
    if (login.length === 0 || /[\s@:;<>]/.test(login)) {
      throw new Error(`${source}: invalid login ${JSON.stringify(login)}`);
    }
    if (typeof password !== 'string') {
      throw new Error(`${source}: the password of ${login} is not a string`);
    }
    accounts[login] = password;
  }
  return accounts;
}

/** Reads and checks an accounts file. */
export function loadAccountsFile(file: string): AccountMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read accounts file ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`accounts file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return validateAccounts(value, file);
}

export class Accounts {
  private readonly map: Map<string, string>;

  constructor(accounts: AccountMap) {
    this.map = new Map(Object.entries(accounts));
  }

  has(login: string): boolean {
    return this.map.has(login);
  }

  /** True when the login exists and the password matches (constant-time comparison). */
  check(login: string, password: string): boolean {
    const expected = this.map.get(login);
    if (expected === undefined) return false;
    const a = Buffer.from(expected, 'utf8');
    const b = Buffer.from(password, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  get size(): number {
    return this.map.size;
  }
}
