// A small self-contained SVG of the bench results: four panels, no scripts, no fonts to
// load. Written by hand: the chart is a few bar and line plots, and a charting library
// (vega, chart.js with a canvas) would be a large dependency for that.
import type { BenchResults } from '../run.js';

const W = 980;
const H = 890;
const PANEL_W = 470;
const PANEL_H = 270;
const COLORS = { widget: '#2f6fdf', alt: '#13a35a', bare: '#8a9099', line2: '#d9473f', text: '#1b1f24', grid: '#e3e6ea' };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: string; weight?: string; color?: string } = {}): string {
  return `<text x="${x}" y="${y}" font-size="${opts.size ?? 11}" text-anchor="${opts.anchor ?? 'start'}" font-weight="${opts.weight ?? 'normal'}" fill="${opts.color ?? COLORS.text}">${esc(s)}</text>`;
}

interface Bar {
  label: string;
  value: number;
  tick?: number;
  color: string;
  note?: string;
}

/** Horizontal bars in a box; `tick` draws a thin mark (e.g. p90). */
function bars(x: number, y: number, w: number, rows: Bar[], unit: string): string {
  const labelW = 150;
  const max = Math.max(...rows.map((r) => Math.max(r.value, r.tick ?? 0)), 1e-9);
  const barW = w - labelW - 140;
  const rowH = 22;
  return rows
    .map((r, i) => {
      const yy = y + i * rowH;
      const len = (r.value / max) * barW;
      const tick = r.tick !== undefined ? `<line x1="${x + labelW + (r.tick / max) * barW}" x2="${x + labelW + (r.tick / max) * barW}" y1="${yy + 2}" y2="${yy + 16}" stroke="${COLORS.text}" stroke-width="1.5"/>` : '';
      return (
        text(x + labelW - 6, yy + 13, r.label, { anchor: 'end' }) +
        `<rect x="${x + labelW}" y="${yy + 4}" width="${Math.max(len, 1)}" height="10" fill="${r.color}"/>` +
        tick +
        text(x + labelW + Math.max(len, r.tick !== undefined ? (r.tick / max) * barW : 0) + 6, yy + 13, `${fmt(r.value)} ${unit}${r.note ? `  ${r.note}` : ''}`, { size: 10 })
      );
    })
    .join('');
}

function panel(col: number, row: number, title: string, body: (x: number, y: number) => string): string {
  const x = 15 + col * (PANEL_W + 20);
  const y = 50 + row * (PANEL_H + 10);
  return (
    `<rect x="${x}" y="${y}" width="${PANEL_W}" height="${PANEL_H}" fill="#fff" stroke="${COLORS.grid}"/>` +
    text(x + 12, y + 22, title, { size: 13, weight: 'bold' }) +
    body(x + 12, y + 40)
  );
}

function skipped(x: number, y: number): string {
  return text(x, y + 20, 'not run (see --only)', { color: COLORS.bare });
}

function setupPanel(r: BenchResults) {
  return (x: number, y: number) => {
    const s = r.setup;
    if (!s) return skipped(x, y);
    return (
      text(x, y, `${s.calls} calls each, alternated; bar = median, tick = p90 (ms)`, { size: 10 }) +
      bars(x, y + 12, PANEL_W - 24, [
        { label: '<sip-phone> to event', value: s.widget.median, tick: s.widget.p90, color: COLORS.widget },
        { label: '<sip-phone> to painted', value: s.widgetPainted.median, tick: s.widgetPainted.p90, color: COLORS.alt },
        { label: 'plain websdk', value: s.websdk.median, tick: s.websdk.p90, color: COLORS.bare },
      ], 'ms') +
      text(x, y + 100, `ratio widget / websdk: median ${fmt(s.ratio.median)}, p90 ${fmt(s.ratio.p90)}`, { size: 12, weight: 'bold' })
    );
  };
}

function endurancePanel(r: BenchResults) {
  return (x: number, y: number) => {
    const e = r.endurance;
    if (!e) return skipped(x, y);
    const pw = PANEL_W - 90;
    const ph = 95;
    const ox = x + 50;
    const oy = y + 10;
    const heap = e.trend.map((t) => t.jsHeapUsed / 1048576);
    const lo = Math.min(...heap) * 0.95;
    const hi = Math.max(Math.max(...heap), heap[0]! + 2) * 1.02;
    const maxCycle = Math.max(...e.trend.map((t) => t.cycle), 1);
    const px = (c: number) => ox + (c / maxCycle) * pw;
    const py = (v: number) => oy + ph - ((v - lo) / (hi - lo)) * ph;
    const path = e.trend.map((t, i) => `${i ? 'L' : 'M'}${px(t.cycle).toFixed(1)},${py(t.jsHeapUsed / 1048576).toFixed(1)}`).join('');
    const limit = heap[0]! + 2;
    const rows = e.checks.map((c, i) =>
      text(x, oy + ph + 40 + i * 14, `${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${c.name.startsWith('JS heap') ? `${fmt(c.before / 1048576)} -> ${fmt(c.after / 1048576)} MB (${c.growth >= 0 ? '+' : ''}${fmt(c.growth / 1024)} KB)` : `${c.before} -> ${c.after}`}`, {
        size: 10,
        color: c.pass ? COLORS.text : COLORS.line2,
        weight: c.pass ? 'normal' : 'bold',
      }),
    );
    return (
      `<line x1="${ox}" x2="${ox}" y1="${oy}" y2="${oy + ph}" stroke="${COLORS.grid}"/>` +
      `<line x1="${ox}" x2="${ox + pw}" y1="${oy + ph}" y2="${oy + ph}" stroke="${COLORS.grid}"/>` +
      `<line x1="${ox}" x2="${ox + pw}" y1="${py(limit)}" y2="${py(limit)}" stroke="${COLORS.line2}" stroke-dasharray="4 3"/>` +
      text(ox + pw, py(limit) - 3, 'start + 2 MB', { size: 9, anchor: 'end', color: COLORS.line2 }) +
      `<path d="${path}" fill="none" stroke="${COLORS.widget}" stroke-width="2"/>` +
      text(ox - 4, py(hi) + 10, fmt(hi), { size: 9, anchor: 'end' }) +
      text(ox - 4, py(lo), fmt(lo), { size: 9, anchor: 'end' }) +
      text(ox - 44, oy + ph / 2, 'heap MB', { size: 9 }) +
      text(ox, oy + ph + 14, '0', { size: 9 }) +
      text(ox + pw, oy + ph + 14, `${maxCycle} calls`, { size: 9, anchor: 'end' }) +
      text(x, oy + ph + 26, `JS heap after forced GC, ${e.cycles} calls (talk ${e.talkMs} ms); 2nd half: ${e.heapSlopePerCall} B/call`, { size: 10 }) +
      rows.join('')
    );
  };
}

function capacityPanel(r: BenchResults) {
  return (x: number, y: number) => {
    const c = r.capacity;
    if (!c) return skipped(x, y);
    const rows: Bar[] = c.levels.map((l) => ({
      label: `${l.calls} calls${l.callsAlive < l.calls ? ` (${l.callsAlive} up)` : ''}: gateway CPU`,
      value: l.gateway.cpuPercent,
      color: COLORS.widget,
      note: `RSS ${fmt(l.gateway.rssMB)} MB`,
    }));
    const quality = c.levels.map((l, i) =>
      text(x, y + 30 + rows.length * 22 + i * 15, `${l.calls} calls: loss ${fmt(l.audio.lossPercent)} %, jitter ${fmt(l.audio.jitterMs.median)} ms (p90 ${fmt(l.audio.jitterMs.p90)}), concealed ${fmt(l.audio.concealedPercent)} %, heard ${l.audio.streamsReceiving}/${l.audio.streams}`, { size: 10 }),
    );
    return (
      text(x, y, `audio both ways; CPU in % of one core; idle gateway ${fmt(c.idle.rssMB)} MB RSS`, { size: 10 }) +
      bars(x, y + 12, PANEL_W - 24, rows, '%') +
      quality.join('') +
      text(x, y + 40 + rows.length * 22 + quality.length * 15, `browser (load generator) CPU: ${c.levels.map((l) => `${fmt(l.browserCpuPercent)} %`).join(', ')}`, { size: 10 }) +
      (c.error ? text(x, y + 58 + rows.length * 22 + quality.length * 15, `stopped at ${c.error.split('\n')[0]!.slice(0, 62)}`, { size: 10, color: COLORS.line2, weight: 'bold' }) : '')
    );
  };
}

function renderPanel(r: BenchResults) {
  return (x: number, y: number) => {
    const rr = r.render;
    if (!rr) return skipped(x, y);
    const rows: Bar[] = rr.pairs.flatMap((p, i) => [
      { label: `${i ? 'configured' : 'form'}: <sip-phone>`, value: p.update.widget.median, tick: p.update.widget.p90, color: COLORS.widget },
      { label: `${i ? 'configured' : 'form'}: bare Lit`, value: p.update.bare.median, tick: p.update.bare.p90, color: COLORS.bare },
    ]);
    const ratios = rr.pairs.flatMap((p, i) => [
      text(x, y + 30 + rows.length * 22 + i * 34, `${p.state} (${p.nodes.widget} vs ${p.nodes.bare} elements): rendered x${fmt(p.update.ratio)}`, { size: 10, weight: 'bold' }),
      text(x, y + 44 + rows.length * 22 + i * 34, `painted ${fmt(p.paint.widget.median)} vs ${fmt(p.paint.bare.median)} ms (x${fmt(p.paint.ratio)}); frame work ${fmt(p.frame.widget.median)} vs ${fmt(p.frame.bare.median)} ms (x${fmt(p.frame.ratio)})`, { size: 10 }),
    ]);
    return (
      text(x, y, `insertion to rendered (updateComplete), median ms, tick = p90; ${rr.reps} reps`, { size: 10 }) +
      bars(x, y + 12, PANEL_W - 24, rows, 'ms') +
      ratios.join('')
    );
  };
}

function loadPanel(r: BenchResults) {
  return (x: number, y: number) => {
    const l = r.load;
    if (!l) return skipped(x, y);
    const rows: Bar[] = l.levels.map((level) => ({
      label: `${level.calls} calls${level.held ? '' : ' (not held)'}: gateway CPU`,
      value: level.gateway.cpuPercent,
      color: COLORS.widget,
      note: `RSS ${fmt(level.gateway.rssMB)} MB`,
    }));
    const quality = l.levels.map((level, i) =>
      text(x, y + 30 + rows.length * 22 + i * 15, `${level.calls} calls: loss ${fmt(level.audio.lossPercent)} %, jitter ${fmt(level.audio.jitterMs.median)} ms (p90 ${fmt(level.audio.jitterMs.p90)}), ${fmt(level.gateway.cpuPercentPerCall)} % CPU per call; generator ${fmt(level.generatorCpuPercent)} %`, { size: 10 }),
    );
    const anchor = r.loadRtpengine;
    const anchorLines = anchor
      ? anchor.levels.map((level, i) =>
          text(x, y + 36 + rows.length * 22 + (quality.length + i) * 15, `rtpengine (plain RTP), ${level.calls} calls: ${fmt(level.cpuPercent)} % CPU, ${fmt(level.cpuPercentPerCall)} % per call, loss ${fmt(level.audio.lossPercent)} %`, { size: 10, color: COLORS.bare }),
        )
      : [];
    return (
      text(x, y, `Node clients (websdk protocol, werift media); largest held: ${l.largestHeld} calls; idle ${fmt(l.idle.rssMB)} MB`, { size: 10 }) +
      bars(x, y + 12, PANEL_W - 24, rows, '%') +
      quality.join('') +
      anchorLines.join('') +
      (l.error ? text(x, y + 40 + rows.length * 22 + (quality.length + anchorLines.length) * 15, `stopped ${l.error.slice(0, 62)}`, { size: 10, color: COLORS.line2, weight: 'bold' }) : '')
    );
  };
}

export function renderChart(r: BenchResults): string {
  const m = r.machine;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#f6f7f9"/>`,
    text(15, 24, `sip-phone bench ${r.date.slice(0, 16).replace('T', ' ')} UTC`, { size: 15, weight: 'bold' }),
    text(15, 40, `${m.cpu} x${m.cores}, ${m.memoryGB} GB, Node ${m.node}, ${m.chromium}, load ${m.loadavgStart.join(' ')}${r.pass ? '' : '  FAIL'}`, { size: 10 }),
    panel(0, 0, '1. Call setup: click to ESTABLISHED', setupPanel(r)),
    panel(1, 0, '2. Endurance: one phone, many calls', endurancePanel(r)),
    panel(0, 1, '3. Gateway capacity', capacityPanel(r)),
    panel(1, 1, '4. Render: insertion to first paint', renderPanel(r)),
    panel(0, 2, '6. The gateway without a browser: concurrent calls', loadPanel(r)),
    '</svg>',
  ].join('\n');
}
