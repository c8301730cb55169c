// Unit tests of the call-quality estimate: interval figures from cumulative statistics, the
// E-model's MOS, and the ratings.
import { expect } from '@open-wc/testing';
import { meanOpinionScore, measureQuality, rate } from '../src/call-quality.js';

describe('call quality', () => {
  it('a clean local call is good (MOS about 4.4)', () => {
    const q = measureQuality({ packetsReceived: 100, packetsLost: 0, jitter: 0.002, roundTripTime: 0.001 });
    expect(q).to.deep.equal({ rating: 'good', mos: 4.39, packetLoss: 0, jitterMs: 2, roundTripMs: 1 });
  });

  it('measures the loss of the interval since the last reading, not of the whole call', () => {
    const before = { packetsReceived: 1000, packetsLost: 0, jitter: 0.003 };
    const q = measureQuality({ packetsReceived: 1085, packetsLost: 15, jitter: 0.003 }, before);
    expect(q.packetLoss).to.equal(15);
    expect(q.rating).to.equal('poor');
    expect(q).not.to.have.property('roundTripMs');
    // A later reading with late packets (packetsLost went down) lost nothing in its interval.
    expect(measureQuality({ packetsReceived: 1190, packetsLost: 10, jitter: 0.003 }, { packetsReceived: 1085, packetsLost: 15, jitter: 0.003 }).packetLoss).to.equal(0);
    // No packets at all: no loss to speak of.
    expect(measureQuality(before, before).packetLoss).to.equal(0);
  });

  it('rates by MOS: 1-2 % loss is good, about 5 % fair, 10 % and more poor; delay counts too', () => {
    expect(rate(meanOpinionScore(1, 5, 20))).to.equal('good');
    expect(rate(meanOpinionScore(5, 5, 20))).to.equal('fair');
    expect(rate(meanOpinionScore(10, 5, 20))).to.equal('poor');
    expect(rate(meanOpinionScore(0, 5, 700))).to.equal('poor');
    expect(meanOpinionScore(0, 0, 0)).to.be.within(4.3, 4.5);
    expect(meanOpinionScore(100, 500, 2000)).to.equal(1);
  });
});
