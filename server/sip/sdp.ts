// Small SDP rewrites the SIP side needs: media directions for hold, and the origin
// version that must grow with every new offer or answer in a dialog (RFC 3264).

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const DIRECTION_LINE = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/;

/** Direction of each active m= section (sendrecv when it names none). */
export function directions(sdp: string): Direction[] {
  const out: Direction[] = [];
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    if (/^m=\w+ 0 /.test(section)) continue;
    const line = section.split(/\r?\n/).find((l) => DIRECTION_LINE.test(l));
    out.push((line ? DIRECTION_LINE.exec(line)![1] : 'sendrecv') as Direction);
  }
  return out;
}

/** Sets the direction of every m= section with `map(current)`. */
export function mapDirections(sdp: string, map: (current: Direction) => Direction): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [head, ...sections] = sdp.split(/\r?\n(?=m=)/);
  const rewritten = sections.map((section) => {
    const lines = section.split(/\r?\n/);
    const index = lines.findIndex((l) => DIRECTION_LINE.test(l));
    const current = (index >= 0 ? DIRECTION_LINE.exec(lines[index]!)![1] : 'sendrecv') as Direction;
    const next = map(current);
    if (index >= 0) lines[index] = `a=${next}`;
    else {
      // Before the trailing empty line, if any.
      const at = lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
      lines.splice(at, 0, `a=${next}`);
    }
    return lines.join(eol);
  });
  return [head, ...rewritten].join(eol);
}

/** Our side holds: we keep sending and stop receiving. */
export function holdDirection(d: Direction): Direction {
  return d === 'sendrecv' || d === 'sendonly' ? 'sendonly' : 'inactive';
}

/** The answer to an offer with direction `offered`, from a side that would send and receive. */
export function answerDirection(offered: Direction): Direction {
  switch (offered) {
    case 'sendonly':
      return 'recvonly';
    case 'recvonly':
      return 'sendonly';
    case 'inactive':
      return 'inactive';
    default:
      return 'sendrecv';
  }
}

/** Sets the origin's session version (o=<user> <id> <version> ...); versions may pass 2^53. */
export function withOriginVersion(sdp: string, version: bigint): string {
  return sdp.replace(/^(o=\S+ \S+ )(\d+)/m, `$1${version}`);
}

/** The origin's session version, or 0. */
export function originVersion(sdp: string): bigint {
  const match = /^o=\S+ \S+ (\d+)/m.exec(sdp);
  return match ? BigInt(match[1]!) : 0n;
}
