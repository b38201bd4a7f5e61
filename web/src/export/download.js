// download.js: hands the browser a file to save (the export buttons): a Blob behind an <a
// download>, clicked from code, its object URL released once the browser has it.

/** Saves `data` (string, Uint8Array or Blob) as `name` with MIME `type`. */
export function downloadFile(name, data, type = 'application/octet-stream') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from free text: letters, digits, '-', '_' and '.' only, at most 60 characters. */
export function safeFileName(text, fallback = 'experiment') {
  const name = String(text ?? '').normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60);
  return name || fallback;
}

/**
 * A file name that says which experiment an export is of: its data, its layers (units and
 * filters), its optimizer and learning rate, e.g. "xor-dense4-tanh-dense2-adam-lr0.03". Two
 * experiments that differ there get different names; at most 60 characters.
 */
export function experimentFileName(experiment) {
  if (!experiment) return 'experiment';
  const size = (l) => l.units ?? l.filters ?? '';
  const layers = (experiment.layers ?? []).map((l) => `${l.type}${size(l)}`).join('-');
  const opt = experiment.optimizer ? `${experiment.optimizer.type}-lr${experiment.optimizer.lr}` : '';
  return safeFileName([experiment.data?.set, layers, opt].filter(Boolean).join('-'));
}

