// Plain-text tables for the terminal (console.table quotes strings and adds an index column).

export type Cell = string | number | boolean | null | undefined;

export function formatTable(title: string, header: string[], rows: Cell[][]): string {
  const text = (cell: Cell) => (cell === null || cell === undefined ? '-' : typeof cell === 'number' ? formatNumber(cell) : String(cell));
  const body = rows.map((row) => row.map(text));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}

export const mb = (bytes: number): number => Math.round((bytes / (1024 * 1024)) * 100) / 100;
