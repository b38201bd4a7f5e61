// rows.js: the rows of a class's file of links. One link a line, or a CSV (read with csv-parse)
// with a "link" column whose other columns (a student's name, id, section) come back as fields.
// A malformed row is a row with an error, never a reason to drop the file.

import { parse } from 'csv-parse/sync';

/** Whether a command-line argument or a line is a playground link rather than a file name or a header. */
export function looksLikeLink(text) {
  return /^https?:\/\//i.test(text) || text.startsWith('#') || /^v=\d/.test(text);
}

const CSV_OPTIONS = {
  bom: true,
  relax_quotes: true, // a quote inside an unquoted field is a character, as spreadsheets write it
  relax_column_count: true, // rows with fewer or more fields than the header: mended below
  skip_empty_lines: true,
  trim: true,
  info: true,
};

/** A record's fields as an object; defineProperty: a column named "__proto__" is a column. */
function fieldsOf(header, cells, column) {
  const fields = {};
  header.forEach((h, k) => {
    if (k !== column && h) Object.defineProperty(fields, h, { value: cells[k] ?? '', enumerable: true, writable: true, configurable: true });
  });
  return fields;
}

/** One data row: a link in an unquoted field keeps its commas (the extra fields go back into it). */
function rowOf(header, column, cells, line) {
  const extra = cells.length - header.length;
  if (extra > 0) cells = [...cells.slice(0, column), cells.slice(column, column + extra + 1).join(','), ...cells.slice(column + extra + 1)];
  return { line, link: cells[column] ?? '', fields: fieldsOf(header, cells, column) };
}

/** Lines of text with their numbers, a BOM dropped. */
const linesOf = (text) => text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);

/**
 * The links of a file: [{line, link, fields, error?}]. A file whose first line has a "link"
 * column is a CSV; otherwise each non-empty line is a link. A CSV the parser refuses as a whole
 * (an unclosed quote) is read again line by line, so that only the broken lines are lost, each
 * with the parser's message as its error.
 */
export function parseLinkList(text) {
  const lines = linesOf(text);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return [];
  const headerLine = lines[first].trim();
  const headerCells = parseLine(headerLine);
  const header = headerCells ? headerCells.map((h) => h.toLowerCase()) : [];
  const column = header.indexOf('link');
  if (column < 0 || looksLikeLink(headerLine)) {
    return lines.map((l, i) => ({ line: i + 1, link: l.trim(), fields: {} })).filter((r) => r.link !== '');
  }
  const body = lines.slice(first + 1).join('\n');
  let records;
  try {
    records = parse(body, CSV_OPTIONS);
  } catch {
    return lineByLine(lines, first, header, column);
  }
  // info.lines: the line of the body the record stands on (1-based).
  return records.map(({ record, info }) => rowOf(header, column, record, first + 1 + info.lines));
}

function parseLine(line) {
  try {
    const [record] = parse(line, { relax_quotes: true, trim: true, bom: true });
    return record ?? [];
  } catch {
    return null;
  }
}

/** One line on its own: its row, or its error with the parser's message. */
function singleLine(lines, i, header, column) {
  try {
    const [cells] = parse(lines[i], { relax_quotes: true, relax_column_count: true, trim: true });
    return rowOf(header, column, cells ?? [], i + 1);
  } catch (err) {
    return { line: i + 1, link: '', fields: {}, error: `the CSV line cannot be read: ${err.message.replace(/ at line \d+$/, '').trim()}` };
  }
}

/**
 * The rows of a CSV the parser refused as a whole. A line with an odd number of quotes is what
 * swallows the lines after it: each such line is read on its own (and fails, named); the others
 * are read together in one call (100,000 separate calls take seconds), or one by one if that
 * batch fails too.
 */
function lineByLine(lines, first, header, column) {
  const byLine = new Map();
  const batch = [];
  for (let i = first + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    if ((lines[i].split('"').length - 1) % 2 === 1) byLine.set(i, singleLine(lines, i, header, column));
    else batch.push(i);
  }
  try {
    for (const { record, info } of parse(batch.map((i) => lines[i]).join('\n'), CSV_OPTIONS)) {
      const i = batch[info.lines - 1];
      byLine.set(i, rowOf(header, column, record, i + 1));
    }
  } catch {
    for (const i of batch) byLine.set(i, singleLine(lines, i, header, column));
  }
  return [...byLine.keys()].sort((a, b) => a - b).map((i) => byLine.get(i));
}
