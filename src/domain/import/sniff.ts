import chardet from 'chardet';

export type Delimiter = ',' | '\t' | ';' | '|' | 'whitespace';

/** Picks the encoding: valid UTF-8 stays UTF-8; otherwise chardet's best guess (GB18030 exports are common in China). */
export function sniffEncoding(sample: Buffer): string {
  if (sample.length === 0) return 'utf-8';
  // Trim a multi-byte sequence cut off at the end of the sample before testing validity.
  let end = sample.length;
  for (let i = Math.max(0, end - 4); i < end; i++) {
    const b = sample[i]!;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (i + need > end) end = i;
    }
  }
  const text = new TextDecoder('utf-8').decode(sample.subarray(0, end));
  let invalid = 0;
  let multibyte = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd) invalid++;
    else if (c > 0x7f) multibyte++;
  }
  // Mostly valid UTF-8 with a few bad bytes is a UTF-8 file with damaged rows: decode it as
  // UTF-8 so the damaged rows are rejected by name, rather than mis-decoding the whole file.
  if (invalid === 0 || multibyte >= invalid) return 'utf-8';
  const guess = chardet.detect(sample);
  return guess ? guess.toLowerCase() : 'utf-8';
}

/** Picks the delimiter from the first lines: the candidate that splits them most consistently. */
export function sniffDelimiter(text: string): Delimiter {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
  if (lines.length === 0) return ',';
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const d of [',', '\t', ';', '|'] as const) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const min = Math.min(...counts);
    if (min === 0) continue;
    const consistent = counts.filter((c) => c === counts[0]).length / counts.length;
    const score = min * consistent;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  if (bestScore > 0) return best;
  if (lines.every((l) => /\S\s+\S/.test(l.trim()))) return 'whitespace';
  return ',';
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (!q && ch === d) n++;
  }
  return n;
}
