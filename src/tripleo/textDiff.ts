/** A line-based unified diff of two texts, like `diff -u`, with `context` lines around each change. */
export function unifiedDiff(before: string, after: string, beforeName: string, afterName: string, context = 3): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  if (!ops.some((o) => o.kind !== ' ')) return '';
  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  // group the operations into hunks: changes closer than 2 * context share one
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].kind === ' ') i++;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    for (let j = i; j < ops.length; j++) {
      if (ops[j].kind !== ' ') end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(ops.length, end + context + 1);
    const hunk = ops.slice(start, stop);
    const aStart = hunk[0].a;
    const bStart = hunk[0].b;
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${aLen ? aStart + 1 : aStart},${aLen} +${bLen ? bStart + 1 : bStart},${bLen} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}

interface LineOp {
  kind: ' ' | '-' | '+';
  text: string;
  /** index of the line in the old text (for '+', where it goes) */
  a: number;
  /** index in the new text (for '-', where it was) */
  b: number;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Beyond this many cells the middle is shown as replaced rather than aligned line by line. */
const MAX_CELLS = 4_000_000;

function diffLines(a: string[], b: string[]): LineOp[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: LineOp[] = [];
  for (let k = 0; k < pre; k++) ops.push({ kind: ' ', text: a[k], a: k, b: k });
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  ops.push(...alignMiddle(am, bm, pre));
  for (let k = suf; k > 0; k--) ops.push({ kind: ' ', text: a[a.length - k], a: a.length - k, b: b.length - k });
  return ops;
}

/** The longest common subsequence of the changed middle, as keep/remove/add operations. */
function alignMiddle(a: string[], b: string[], offset: number): LineOp[] {
  const n = a.length;
  const m = b.length;
  if (n * m > MAX_CELLS) {
    return [
      ...a.map((text, k) => ({ kind: '-' as const, text, a: offset + k, b: offset })),
      ...b.map((text, k) => ({ kind: '+' as const, text, a: offset + n, b: offset + k })),
    ];
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..]
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const ops: LineOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i], a: offset + i++, b: offset + j++ });
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
      ops.push({ kind: '-', text: a[i], a: offset + i++, b: offset + j });
    } else {
      ops.push({ kind: '+', text: b[j], a: offset + i, b: offset + j++ });
    }
  }
  return ops;
}
