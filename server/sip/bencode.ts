// Bencode, the encoding of rtpengine's ng control protocol: integers `i42e`, byte strings
// `4:spam`, lists `l...e` and dictionaries `d...e` (keys sorted). The protocol only needs
// these four types, so a few lines here instead of a dependency.

export type BValue = number | string | BValue[] | { [key: string]: BValue };

export function bencode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  const write = (v: BValue): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new TypeError(`bencode: ${v} is not an integer`);
      parts.push(Buffer.from(`i${v}e`));
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      parts.push(Buffer.from(`${bytes.length}:`), bytes);
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from('l'));
      v.forEach(write);
      parts.push(Buffer.from('e'));
    } else {
      parts.push(Buffer.from('d'));
      for (const key of Object.keys(v).sort()) {
        const item = v[key];
        if (item === undefined) continue;
        write(key);
        write(item);
      }
      parts.push(Buffer.from('e'));
    }
  };
  write(value);
  return Buffer.concat(parts);
}

/** Decodes one bencoded value (strings as UTF-8); throws on malformed input or trailing bytes. */
export function bdecode(input: Buffer): BValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`bencode: ${what} at byte ${pos}`);
  };
  const read = (): BValue => {
    const c = input[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69 /* i */) {
      const end = input.indexOf(0x65, pos);
      if (end < 0) return fail('unterminated integer');
      const text = input.subarray(pos + 1, end).toString('ascii');
      if (!/^-?\d+$/.test(text)) return fail('bad integer');
      pos = end + 1;
      return Number(text);
    }
    if (c === 0x6c /* l */) {
      pos++;
      const list: BValue[] = [];
      while (input[pos] !== 0x65) list.push(read());
      pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      pos++;
      const dict: Record<string, BValue> = {};
      while (input[pos] !== 0x65) {
        const key = read();
        if (typeof key !== 'string') return fail('dictionary key is not a string');
        dict[key] = read();
      }
      pos++;
      return dict;
    }
    if (c >= 0x30 && c <= 0x39) {
      const colon = input.indexOf(0x3a, pos);
      if (colon < 0) return fail('unterminated string length');
      const length = Number(input.subarray(pos, colon).toString('ascii'));
      if (!Number.isInteger(length) || colon + 1 + length > input.length) return fail('bad string length');
      const text = input.subarray(colon + 1, colon + 1 + length).toString('utf8');
      pos = colon + 1 + length;
      return text;
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  const value = read();
  if (pos !== input.length) fail('trailing bytes');
  return value;
}
