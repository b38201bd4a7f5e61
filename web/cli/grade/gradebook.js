// gradebook.js: points from results (--points) and the gradebook files made of them, each in the
// layout its platform's import takes:
//   Canvas (Grades > Import): the columns of Canvas's own gradebook export, "Student", "ID",
//     "SIS User ID", "SIS Login ID", "Section", then one column per assignment (its name, with
//     " (id)" for an assignment that exists); Canvas matches students by ID, SIS User ID or SIS
//     Login ID, so the input CSV should be Canvas's export with a "link" column added.
//   Moodle (Grade administration > Import > CSV file): any header; at import the teacher maps one
//     column to a user field (ID number, username, email address) and one to the grade item, and
//     may map a feedback column. We write the id column, the grade, and "Feedback".
// The CSV itself is written by csv-stringify (RFC 4180 quoting).

import { stringify } from 'csv-stringify/sync';

const OUTCOMES = ['goal', 'verified', 'refused', 'unreadable', 'missing', 'duplicate'];

/**
 * "10" or "goal=10,verified=5,refused=0,unreadable=0,missing=0,duplicate=0" -> {goal, verified,
 * refused, unreadable, missing, duplicate?, max}. A bare number is the goal's points, the rest 0.
 * `duplicate`, when given, replaces the points of a result already handed in by another row.
 */
export function parsePoints(text = '1') {
  const rule = { goal: 0, verified: 0, refused: 0, unreadable: 0, missing: 0 };
  const number = (value, name) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1e6) throw new Error(`--points: ${name} must be a number from 0 to 1000000, got ${JSON.stringify(value)}`);
    return n;
  };
  const parts = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 1 && !parts[0].includes('=')) rule.goal = number(parts[0], 'the points');
  else {
    for (const part of parts) {
      const [name, value = ''] = part.split('=');
      if (!OUTCOMES.includes(name)) throw new Error(`--points: unknown outcome ${JSON.stringify(name)} (one of ${OUTCOMES.join(', ')})`);
      rule[name] = number(value, name);
    }
  }
  rule.max = Math.max(...OUTCOMES.map((k) => rule[k] ?? 0));
  return rule;
}

/** How a record ends up: goal (verified, goal met, or no goal set), verified, refused, unreadable, missing. */
export function outcomeOf(record) {
  if (record.unreadable) return record.kind === 'empty' ? 'missing' : 'unreadable';
  if (!record.verified) return 'refused';
  if (record.follows_assignment === false) return 'verified';
  return record.goal === undefined || record.goal_met ? 'goal' : 'verified';
}

/** The points of one record under `rule`. */
export function pointsOf(record, rule) {
  if (record.duplicate_of !== undefined && rule.duplicate !== undefined) return rule.duplicate;
  return rule[outcomeOf(record)];
}

/** A line of feedback a student can read: the outcome and the first problems. */
export function feedbackOf(record) {
  if (record.unreadable) return `unreadable link: ${record.error}`;
  const head = record.verified ? (record.goal_met ? 'verified, goal met' : 'verified, goal not met') : 'refused';
  const notes = [...(record.problems ?? [])];
  if (record.duplicate_of !== undefined) notes.push(`the same result as line ${record.duplicate_of.line ?? record.duplicate_of.arg}`);
  return notes.length ? `${head}: ${notes.join('; ')}` : head;
}

const CANVAS_COLUMNS = [
  ['Student', ['student', 'name', 'student name']],
  ['ID', ['id', 'student id', 'canvas id']],
  ['SIS User ID', ['sis user id']],
  ['SIS Login ID', ['sis login id']],
  ['Section', ['section']],
];
const firstField = (record, names) => names.map((n) => record[n]).find((v) => v !== undefined && v !== '') ?? '';

/** The id of a record's student (`idColumn`, lowercased as the input's header). */
const idOf = (record, idColumn) => String(record[idColumn] ?? '').trim();

/**
 * One row per student: a student with several rows keeps the best points; each such case, and
 * each row without an id, is named in `problems`.
 */
function perStudent(records, rule, idColumn) {
  const best = new Map();
  const problems = [];
  for (const record of records) {
    const id = idOf(record, idColumn);
    const at = record.line ?? record.arg;
    if (!id) {
      problems.push(`line ${at}: no ${idColumn}: left out of the gradebook`);
      continue;
    }
    const points = pointsOf(record, rule);
    const seen = best.get(id);
    if (seen) {
      problems.push(`line ${at}: ${idColumn} ${id} also on line ${seen.record.line ?? seen.record.arg}: the higher points are kept`);
      if (points <= seen.points) continue;
    }
    best.set(id, { record, points });
  }
  return { students: [...best.values()], problems };
}

/** The input column that names students: `wanted` if given, else the first usual one present. */
export function idColumnOf(records, wanted, usual) {
  const present = new Set(records.flatMap((r) => Object.keys(r)));
  if (wanted) {
    const name = wanted.toLowerCase();
    if (!present.has(name)) throw new Error(`--id-column: the input has no column ${JSON.stringify(wanted)}`);
    return name;
  }
  const found = usual.find((c) => present.has(c));
  if (!found) throw new Error(`the input CSV has no student id column (one of ${usual.map((c) => JSON.stringify(c)).join(', ')}); name one with --id-column`);
  return found;
}

/** Canvas's gradebook import CSV: {csv, problems}. `column`: the assignment's column header. */
export function canvasCsv(records, { rule, column, idColumn }) {
  const id = idColumnOf(records, idColumn, ['id', 'sis user id', 'sis login id']);
  const { students, problems } = perStudent(records, rule, id);
  const rows = students.map(({ record, points }) => {
    const cells = CANVAS_COLUMNS.map(([, names]) => firstField(record, names));
    // An id column Canvas does not know by name (e.g. "student number") stands in as SIS User ID.
    if (!['id', 'student id', 'canvas id', 'sis user id', 'sis login id'].includes(id)) cells[2] = idOf(record, id);
    return [...cells, points];
  });
  return { csv: stringify(rows, { header: true, columns: [...CANVAS_COLUMNS.map(([h]) => h), column] }), problems };
}

/** Moodle's grade import CSV: {csv, problems}: the id column, the grade, the feedback. */
export function moodleCsv(records, { rule, column, idColumn }) {
  const id = idColumnOf(records, idColumn, ['id number', 'idnumber', 'email address', 'email', 'username', 'id']);
  const { students, problems } = perStudent(records, rule, id);
  const rows = students.map(({ record, points }) => [idOf(record, id), points, feedbackOf(record)]);
  return { csv: stringify(rows, { header: true, columns: [idColumn ?? id, column, 'Feedback'] }), problems };
}
