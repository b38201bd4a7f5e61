// shard.js: --shard K/N (the K-th of N deterministic slices of a class's file, K from 1, as jest
// and playwright count) and --merge (the shards' results joined into one run's). A slice is made
// of results, not lines: the distinct results in order of first appearance are dealt round-robin,
// so each shard gets the same number of replays (to one) and a result handed in twice stays in
// one shard, where it is replayed once and flagged.

/** "3/8" -> {index: 3, count: 8}; throws an Error naming the problem. */
export function parseShard(text) {
  const m = /^(\d+)\/(\d+)$/.exec(String(text).trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new Error(`--shard: must be K/N with 1 <= K <= N (K counts from 1), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** The keys of the rows that belong to `shard` (all rows without one). */
export function shardKeys(keys, shard) {
  const distinct = [...new Set(keys)];
  if (!shard) return new Set(distinct);
  return new Set(distinct.filter((_, i) => i % shard.count === shard.index - 1));
}

/**
 * Joins shards' records into one run's, in input order: {records, problems}. The same row (line)
 * found twice with the same result keeps one copy; with two different results the shards came
 * from different files, which is a problem named, and the first is kept. With the input's rows
 * (`rows`: [{line, key}]), a row no shard has is named as missing, with the shard it belongs to.
 */
export function mergeRecords(sources, { rows, count } = {}) {
  const byLine = new Map();
  const problems = [];
  for (const { file, records } of sources) {
    for (const record of records) {
      const at = record.line ?? record.arg;
      const seen = byLine.get(at);
      if (!seen) byLine.set(at, { record, file });
      else if (seen.record.key !== record.key) {
        problems.push(`line ${at}: ${seen.file} and ${file} hold different results: were the shards made from the same file?`);
      }
    }
  }
  if (rows) {
    const keys = rows.map((r) => r.key);
    const order = [...new Set(keys)];
    for (const row of rows) {
      if (byLine.has(row.line)) continue;
      const shard = count ? ` (shard ${(order.indexOf(row.key) % count) + 1}/${count})` : '';
      problems.push(`line ${row.line}: no result in any shard${shard}`);
    }
  }
  const records = [...byLine.values()].map((v) => v.record).sort((a, b) => (a.line ?? a.arg) - (b.line ?? b.arg));
  return { records, problems };
}
