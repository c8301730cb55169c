// Unit tests of the SIP side's small parts: bencode, the rtpengine ng client (against a
// fake rtpengine on UDP), the SDP rewrites, SIP targets, and the plain RTP leg.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { RtpPacket, RtpHeader } from 'werift';
import { bdecode, bencode } from './bencode.js';
import { PlainRtpLeg } from './plain-rtp.js';
import { NgError, RtpengineClient, parseNgAddress } from './rtpengine.js';
import { answerDirection, directions, holdDirection, mapDirections, originVersion, withOriginVersion } from './sdp.js';
import { targetUri } from './sip-switchboard.js';

const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=rtpmap:111 opus/48000/2',
  'a=sendrecv',
  'm=video 0 UDP/TLS/RTP/SAVPF 96',
  'a=inactive',
  '',
].join('\r\n');

describe('bencode', () => {
  it('encodes dictionaries with sorted keys, lists, strings and integers, and decodes them back', () => {
    const value = { sdp: 'v=0\r\n', command: 'offer', flags: ['trust-address', 'ICE'], n: -42, nested: { 'ü': 'ß' } };
    const encoded = bencode(value);
    assert.equal(encoded.toString('utf8').slice(0, 20), 'd7:command5:offer5:f');
    assert.deepEqual(bdecode(encoded), value);
  });

  it('rejects malformed input and non-integers', () => {
    assert.throws(() => bencode(1.5), /not an integer/);
    for (const bad of ['i12', 'x', '5:ab', 'd1:ai1e', 'di1ei2ee', 'i1ei2e', 'iabe', '3']) {
      assert.throws(() => bdecode(Buffer.from(bad)), SyntaxError, bad);
    }
  });
});

describe('rtpengine ng client', () => {
  async function fakeRtpengine(reply: (request: Record<string, unknown>) => Record<string, unknown> | undefined) {
    const socket = createSocket('udp4');
    const seen: Record<string, unknown>[] = [];
    socket.on('message', (message, from) => {
      const space = message.indexOf(0x20);
      const cookie = message.subarray(0, space).toString();
      const request = bdecode(message.subarray(space + 1)) as Record<string, unknown>;
      seen.push(request);
      const answer = reply(request);
      if (answer) socket.send(Buffer.concat([Buffer.from(`${cookie} `), bencode(answer as never)]), from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return { port: socket.address().port, seen, close: () => socket.close() };
  }

  it('sends commands as cookie + bencoded dictionary and returns the SDP of the reply', async () => {
    const fake = await fakeRtpengine((r) => ({ result: 'ok', sdp: `rewritten ${String(r['sdp'])}` }));
    const client = new RtpengineClient('127.0.0.1', fake.port);
    try {
      assert.equal(await client.sdp('offer', { 'call-id': 'c1', 'from-tag': 't1', sdp: 'x' }), 'rewritten x');
      assert.deepEqual(fake.seen[0], { 'call-id': 'c1', command: 'offer', 'from-tag': 't1', sdp: 'x' });
    } finally {
      client.close();
      fake.close();
    }
  });

  it('rejects errors, replies without SDP, and silence', async () => {
    const fake = await fakeRtpengine((r) =>
      r['command'] === 'offer' ? { result: 'error', 'error-reason': 'Unknown call-id' } : r['command'] === 'answer' ? { result: 'ok' } : undefined,
    );
    const client = new RtpengineClient('127.0.0.1', fake.port, 300);
    try {
      await assert.rejects(client.sdp('offer', {}), (e: Error) => e instanceof NgError && /Unknown call-id/.test(e.message));
      await assert.rejects(client.sdp('answer', {}), /no sdp/);
      await assert.rejects(client.request('ping', {}), /no reply to ping/);
      assert.ok(fake.seen.filter((r) => r['command'] === 'ping').length >= 2, 'a lost request is sent again');
    } finally {
      client.close();
      fake.close();
    }
  });

  it('parses host:port', () => {
    assert.deepEqual(parseNgAddress('127.0.0.1:2223'), { host: '127.0.0.1', port: 2223 });
    assert.deepEqual(parseNgAddress('rtpe'), { host: 'rtpe', port: 2223 });
    assert.throws(() => parseNgAddress('a:b:c'));
    assert.throws(() => parseNgAddress('h:70000'));
  });
});

describe('SDP rewrites', () => {
  it('reads and sets directions per active section', () => {
    assert.deepEqual(directions(SDP), ['sendrecv']);
    const held = mapDirections(SDP, holdDirection);
    assert.match(held, /a=sendonly\r\n/);
    assert.match(held, /a=inactive\r\n/, 'the video section too');
    assert.equal(holdDirection('recvonly'), 'inactive');
    const noLine = mapDirections('v=0\r\nm=audio 1 RTP/AVP 0\r\n', () => 'recvonly');
    assert.deepEqual(directions(noLine), ['recvonly']);
    assert.deepEqual(directions('v=0\r\nm=audio 1 RTP/AVP 0\r\n'), ['sendrecv']);
  });

  it('answers a direction from the other side', () => {
    assert.equal(answerDirection('sendonly'), 'recvonly');
    assert.equal(answerDirection('recvonly'), 'sendonly');
    assert.equal(answerDirection('inactive'), 'inactive');
    assert.equal(answerDirection('sendrecv'), 'sendrecv');
  });

  it('bumps origin versions beyond 2^53', () => {
    const version = originVersion(SDP);
    assert.equal(version, 2n);
    assert.match(withOriginVersion(SDP, 4611731400430051337n), /^o=- 4611731400430051336 4611731400430051337 IN/m);
    assert.equal(originVersion('v=0'), 0n);
  });
});

describe('SIP targets', () => {
  it('turns numbers and addresses into SIP URIs in the account domain', () => {
    assert.equal(targetUri('10006', 'example.org')?.toString(), 'sip:10006@example.org');
    assert.equal(targetUri('sip:10006@other.net', 'example.org')?.toString(), 'sip:10006@other.net');
    assert.equal(targetUri('"Bob" <sip:bob@b.net>', 'example.org')?.toString(), 'sip:bob@b.net');
    assert.equal(targetUri('  ', 'example.org'), undefined);
  });
});

describe('plain RTP leg', () => {
  it('sends the browser leg\'s packets with its own SSRC, payload type and continuous sequence, and hands received Opus on', async () => {
    const leg = await PlainRtpLeg.open('127.0.0.1');
    const phone = createSocket('udp4');
    await new Promise<void>((resolve) => phone.bind(0, '127.0.0.1', () => resolve()));
    const received: Buffer[] = [];
    phone.on('message', (m) => received.push(m));
    try {
      assert.match(leg.sdp('sendonly', 3n), new RegExp(`m=audio ${leg.port} RTP/AVP 111[\\s\\S]*a=sendonly`));
      assert.throws(() => leg.applyRemote('v=0\r\nm=video 1 RTP/AVP 96\r\n'), /no audio/);
      assert.throws(() => leg.applyRemote('v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 5 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'), /no Opus/);
      const packet = (ssrc: number, seq: number, pt = 111) =>
        new RtpPacket(new RtpHeader({ ssrc, sequenceNumber: seq, timestamp: seq * 960, payloadType: pt }), Buffer.from([1, 2, 3]));
      assert.equal(leg.deliver('audio', packet(1, 10)), false, 'nowhere to send before the far end is known');
      leg.applyRemote(`v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio ${phone.address().port} RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n`);
      assert.equal(leg.deliver('video', packet(1, 10)), false);
      assert.ok(leg.deliver('audio', packet(1, 10)));
      assert.ok(leg.deliver('audio', packet(1, 11)));
      assert.ok(leg.deliver('audio', packet(2, 500)), 'a new source continues the stream');
      await new Promise((r) => setTimeout(r, 100));
      const sent = received.map((m) => RtpPacket.deSerialize(m).header);
      assert.equal(sent.length, 3);
      assert.ok(sent.every((h) => h.payloadType === 96 && h.ssrc === sent[0]!.ssrc));
      assert.deepEqual(
        sent.map((h) => (h.sequenceNumber - sent[0]!.sequenceNumber + 65536) % 65536),
        [0, 1, 2],
      );

      const got: RtpPacket[] = [];
      leg.setTarget({ deliver: (_kind, p) => (got.push(p), true) });
      const to = (buf: Buffer) => phone.send(buf, leg.port, '127.0.0.1');
      to(packet(7, 1, 96).serialize());
      to(packet(7, 2, 0).serialize()); // not Opus
      to(Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])); // RTCP
      to(Buffer.from([1, 2]));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(got.length, 1);
      assert.deepEqual(leg.counters, { received: 1, sent: 3 });
    } finally {
      leg.close();
      leg.close();
      phone.close();
    }
    assert.equal(leg.deliver('audio', new RtpPacket(new RtpHeader(), Buffer.alloc(1))), false, 'closed');
  });
});
