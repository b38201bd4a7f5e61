// fields.js: every field of the experiment schema as data (its range, its default, whether it is
// required), read from the valibot schema itself so that nothing restates a range by hand. The
// README's field tables are written from this list (web/cli/schema-doc.js) and a property test
// walks it at and beyond every bound (tests/web/experiment/fields.test.js).

import { experimentSchema } from './schema.js';

/**
 * A field: {path, when, kind, required, default, ...range}.
 * - path: keys from the experiment down to the field; '#' stands for any item of a list
 *   (['layers', '#', 'units']).
 * - when: the choices that make the field exist, outermost first: [{at, key, value}] says the
 *   object at path `at` has `key` (its "type" or "set") equal to `value`.
 * - kind: 'integer' or 'number' {lo, hi, lowOpen, highOpen}, 'boolean', 'choice' {options},
 *   'text' {max}, 'literal' {value}, 'list' {min, max, item} (item: a field without a path when
 *   the items are plain numbers; the items' own fields follow in the list otherwise), or 'pair'
 *   {items} (betas).
 * - required: no default is filled in; default: the value filled in (undefined when the field
 *   may be left out and nothing is filled in, e.g. a pool's stride, which follows its kernel).
 */
export function schemaFields(schema = experimentSchema) {
  const out = [];
  walkObject(schema, [], [], out);
  return out;
}

/** The field at `path` under the choices `when` (e.g. dense's units), or undefined. */
export function findField(fields, path, when = []) {
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return fields.find((f) => same(f.path, path) && f.when.length === when.length
    && f.when.every((w, i) => same(w.at, when[i].at) && w.key === when[i].key && w.value === when[i].value));
}

const action = (schema, type) => schema.pipe?.find((a) => a.type === type);

/** The range of a number schema from its pipe's actions. */
function numberRange(schema) {
  const min = action(schema, 'min_value');
  const gt = action(schema, 'gt_value');
  const max = action(schema, 'max_value');
  const lt = action(schema, 'lt_value');
  return {
    kind: action(schema, 'integer') ? 'integer' : 'number',
    lo: (min ?? gt).requirement,
    hi: (max ?? lt).requirement,
    lowOpen: Boolean(gt),
    highOpen: Boolean(lt),
  };
}

/** A field's description without its place: what kind of value, and its range. */
function describeValue(schema) {
  switch (schema.type) {
    case 'number': return numberRange(schema);
    case 'boolean': return { kind: 'boolean' };
    case 'picklist': return { kind: 'choice', options: [...schema.options] };
    case 'literal': return { kind: 'literal', value: schema.literal };
    case 'string': return { kind: 'text', max: action(schema, 'max_length').requirement };
    case 'strict_tuple': return { kind: 'pair', items: schema.items.map(describeValue) };
    default: return null;
  }
}

function walkObject(schema, path, when, out, skipKey) {
  for (const [key, entry] of Object.entries(schema.entries)) {
    if (key !== skipKey) walkEntry(entry, [...path, key], when, out);
  }
}

function walkVariant(schema, path, when, out) {
  const values = schema.options.map((o) => o.entries[schema.key].literal);
  out.push({ path: [...path, schema.key], when, kind: 'choice', options: values, required: true, default: undefined });
  for (const [i, option] of schema.options.entries()) {
    walkObject(option, path, [...when, { at: path, key: schema.key, value: values[i] }], out, schema.key);
  }
}

function walkEntry(entry, path, when, out) {
  let schema = entry;
  const place = { path, when, required: true, default: undefined };
  if (schema.type === 'optional') {
    place.required = false;
    place.default = schema.default;
    schema = schema.wrapped;
  }
  if (schema.type === 'nullable') {
    place.nullable = true;
    schema = schema.wrapped;
  }
  if (schema.type === 'variant') {
    // The object itself (an initialiser, the data set, the loss, the optimizer) is one field;
    // its "type" and its own fields follow.
    out.push({ ...place, kind: 'object' });
    walkVariant(schema, path, when, out);
  } else if (schema.type === 'strict_object') {
    out.push({ ...place, kind: 'object' });
    walkObject(schema, path, when, out);
  } else if (schema.type === 'array') {
    const item = schema.item.type === 'variant' ? null : describeValue(schema.item);
    out.push({ ...place, kind: 'list', min: action(schema, 'min_length').requirement, max: action(schema, 'max_length').requirement, item });
    if (!item) walkVariant(schema.item, [...path, '#'], when, out);
  } else {
    const value = describeValue(schema);
    if (!value) throw new Error(`fields.js: no description for a ${schema.type} at ${path.join('.')}`);
    out.push({ ...place, ...value });
  }
}
