#!/usr/bin/env node
// autograder.js: what run_autograder starts inside Gradescope's container for each submission.
// It reads the grading settings the zip carries (grading.json: the homework link, the --points
// rule, the time cap), finds the result link in the files the student handed in, replays it, and
// writes results/results.json. AUTOGRADER_ROOT moves the /autograder tree (tests run it in a
// temporary folder).

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeCore, nodeMnistSource } from '../../src/node.js';
import { decodeLink, Verifier } from '../verify.js';
import { parsePoints } from './gradebook.js';
import { resultsJson } from './gradescope.js';

const root = process.env.AUTOGRADER_ROOT ?? '/autograder';
const LINK = /(https?:\/\/\S*#v=\d\S*|#v=\d\S*|\bv=\d&\S+)/;
const MAX_FILE_BYTES = 1 << 20;

/** The first playground link in the submission's text files (smallest path first), or ''. */
function findLink(dir) {
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.size <= MAX_FILE_BYTES) files.push(p);
    }
  };
  walk(dir);
  for (const file of files) {
    const m = LINK.exec(readFileSync(file, 'utf8'));
    if (m) return m[1].replace(/[)>\]"'.,;]+$/, '');
  }
  return '';
}

async function main() {
  const started = performance.now();
  const settings = JSON.parse(readFileSync(path.join(root, 'source', 'grading.json'), 'utf8'));
  const rule = parsePoints(settings.points);
  const link = findLink(path.join(root, 'submission'));
  let record;
  if (!link) {
    record = { unreadable: true, kind: 'empty', error: 'no playground result link found in the files handed in: paste the link that Submit gave into a text file' };
  } else {
    const verifier = new Verifier(await nodeCore(), { mnistSource: nodeMnistSource() });
    try {
      const homework = settings.assignment ? decodeLink(settings.assignment) : null;
      record = await verifier.verify(link, { homework, maxSeconds: settings.maxSeconds ?? Infinity });
    } finally {
      verifier.dispose();
    }
  }
  const results = resultsJson(record, rule, { executionTime: (performance.now() - started) / 1000 });
  mkdirSync(path.join(root, 'results'), { recursive: true });
  writeFileSync(path.join(root, 'results', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ link, ...record })}\n`);
}

main().catch((err) => {
  process.stderr.write(`autograder: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
});
