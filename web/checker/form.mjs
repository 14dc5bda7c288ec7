// The form and the checker's input: read the answers into the input the checker takes, and fill
// the form from such an input (a shared or prefilled link), showing only what it shows exactly.
//
// The DOM is the only state. A control's data-key is its key in the input; repeated parts
// (counterpart PIs, Co-PIs, budget lines, fiscal years) are copies of the <template>s that
// templates/checker/form.html renders. Reading also records which control each input path comes
// from, so the checker's input errors (path "budget.lines[3].amount") lead back to the field.
// Answers not given are left out of the input: the checker calls them missing. Which keys each
// part of the input has, which the form asks, and the former keys a link may still carry come
// from the page's data (data.input, written from checker/answers.py by sitegen/checker_page.py).

import { data, fiscalYear, grouped, t } from "./page.mjs";

/**
 * @typedef {object} Reading
 * @property {Record<string, any>} input   the checker's input, amounts still as typed (see amounts)
 * @property {Map<string, HTMLElement>} fields  input path → the control to focus for it
 * @property {{line: Record<string, any>, text: string}[]} amounts  typed amounts to parse into line.amount
 * @property {import("./results.mjs").InputError[]} errors  answers the browser cannot read (a date
 *   typed in part), left out of the input, with what to say at their field
 */

/** @typedef {HTMLInputElement | HTMLSelectElement} Control */

/**
 * @typedef {"plan" | "counterpart" | "member" | "budget" | "line"} Part
 * @typedef {{keys: Record<Part, string[]>, asked: Record<Part, string[]>, formerly: Record<Part, Record<string, string>>}} InputKeys
 *   each part's keys in the declared order (its answers and the parts it holds), those the form
 *   asks, and its former keys with their current names
 */
const declared = /** @type {InputKeys} */ (/** @type {any} */ (data).input);

/** Whether the form asks `key` of `part` (and so has a control for it). @param {Part} part @param {string} key */
const asked = (part, key) => declared.asked[part].includes(key);
// Whole-number answers as the checker accepts them; anything else goes to the checker as typed,
// which then says what is wrong with it.
const COUNT = /^\d{1,9}$/;
// What a datetime-local control and a UTC offset make of an ISO 8601 moment.
const MOMENT = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})$/;
// What a date or time field says when the browser cannot read what was typed into it (its value
// is then empty, as if nothing were typed): by the field's type.
/** @type {Record<string, () => string>} */
const UNREADABLE = { date: () => t("errors.unreadable_date"), "datetime-local": () => t("errors.unreadable_moment") };

/** @param {ParentNode} scope @param {string} key @returns {Control[]} */
const controls = (scope, key) => [...scope.querySelectorAll(`[data-key="${key}"]`)];

/** @param {ParentNode} scope @param {string} key @returns {Control} */
const control = (scope, key) => controls(scope, key)[0];

/** @param {string} id @returns {HTMLElement} */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {HTMLElement} list @returns {HTMLElement[]} */
const items = (list) => /** @type {HTMLElement[]} */ ([...list.children]);

let copies = 0;

/**
 * A copy of a <template>, its controls given ids and radio names of their own, its labels and
 * hints tied to them.
 * @param {string} templateId
 * @returns {HTMLElement}
 */
function instantiate(templateId) {
  const template = /** @type {HTMLTemplateElement} */ (byId(templateId));
  const node = /** @type {HTMLElement} */ (template.content.firstElementChild?.cloneNode(true));
  const prefix = `ac-${templateId.replace("ac-tpl-", "")}-${++copies}`;
  for (const each of /** @type {NodeListOf<Control>} */ (node.querySelectorAll("[data-key]"))) {
    const key = each.dataset.key;
    if (each instanceof HTMLInputElement && each.type === "radio") {
      each.name = `${prefix}-${key}`;
      each.id = `${prefix}-${key}-${each.value}`;
    } else {
      each.id = `${prefix}-${key}`;
    }
  }
  for (const label of node.querySelectorAll("label[data-for]")) {
    const { for: key, value } = /** @type {HTMLElement} */ (label).dataset;
    /** @type {HTMLLabelElement} */ (label).htmlFor = `${prefix}-${key}${value ? `-${value}` : ""}`;
  }
  for (const hint of node.querySelectorAll("[data-hint]")) {
    const key = /** @type {HTMLElement} */ (hint).dataset.hint ?? "";
    hint.id = `${prefix}-${key}-hint`;
    const target = control(node, key);
    describe(target.type === "radio" ? /** @type {HTMLElement} */ (target.closest("fieldset")) : target, hint.id);
  }
  return node;
}

/** @param {HTMLElement} element @param {string} id */
export function describe(element, id) {
  const ids = (element.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  if (!ids.includes(id)) element.setAttribute("aria-describedby", [...ids, id].join(" "));
}

/** @param {HTMLElement} element @param {string} id */
export function undescribe(element, id) {
  const ids = (element.getAttribute("aria-describedby") ?? "").split(" ").filter((each) => each && each !== id);
  if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
  else element.removeAttribute("aria-describedby");
}

// --- The repeated parts -------------------------------------------------------------------------

const lists = {
  counterpart: () => byId("ac-counterparts"),
  pi: () => byId("ac-pi"),
  "co-pi": () => byId("ac-co-pis"),
};

/**
 * Add a counterpart PI, the PI or a Co-PI (unnamed until the next renumber()).
 * @param {"counterpart" | "pi" | "co-pi"} kind
 * @returns {HTMLElement}
 */
function addItem(kind) {
  const item = instantiate(kind === "counterpart" ? "ac-tpl-counterpart" : "ac-tpl-member");
  item.dataset.kind = kind;
  if (kind === "pi") item.querySelector('[data-action="remove"]')?.remove();
  lists[kind]().append(item);
  return item;
}

/** Legends, labels and button names say which one each part is; run after adding or removing. */
function renumber() {
  items(lists.counterpart()).forEach((item, index) => name(item, t("counterparts.legend", { n: index + 1 }), t("counterparts.remove", { n: index + 1 })));
  items(lists.pi()).forEach((item) => name(item, t("team.pi_legend")));
  items(lists["co-pi"]()).forEach((item, index) => name(item, t("team.co_pi_legend", { n: index + 1 }), t("team.remove", { n: index + 1 })));
  for (const table of yearTables()) {
    const year = fiscalYear(Number(table.dataset.year));
    slot(table, "legend").textContent = year;
    /** @type {HTMLElement} */ (table.querySelector('[data-action="add-line"]')).textContent = t("budget.add", { year });
    lineRows(table).forEach((row, index) => {
      for (const label of row.querySelectorAll("label[data-column]")) {
        label.textContent = t("budget.line_label", { year, n: index + 1, column: /** @type {HTMLElement} */ (label).dataset.column ?? "" });
      }
      slot(row, "remove").textContent = t("budget.remove", { year, n: index + 1 });
    });
  }
}

/** @param {HTMLElement} item @param {string} legend @param {string} [remove] */
function name(item, legend, remove) {
  slot(item, "legend").textContent = legend;
  const button = item.querySelector('[data-slot="remove"]');
  if (button && remove) button.textContent = remove;
}

/** @param {ParentNode} scope @param {string} name @returns {HTMLElement} */
const slot = (scope, name) => /** @type {HTMLElement} */ (scope.querySelector(`[data-slot="${name}"]`));

// --- The budget: one table per fiscal year ------------------------------------------------------

const yearTables = () => items(byId("ac-years"));

/** @param {HTMLElement} table @returns {HTMLElement[]} */
const lineRows = (table) => items(slot(table, "lines"));

/** @param {HTMLElement} row */
const blankLine = (row) =>
  !(/** @type {HTMLInputElement} */ (control(row, "category")).value.trim()) &&
  !(/** @type {HTMLInputElement} */ (control(row, "amount")).value.trim()) &&
  !(/** @type {HTMLInputElement} */ (control(row, "network")).checked);

/**
 * The fiscal years the budget table shows: the chosen track's (none until a track is chosen, as
 * the years depend on it), plus any year a line is in (a line outside the period is shown, not
 * dropped).
 * @param {HTMLFormElement} form
 * @returns {{shown: number[], period: Set<number> | null}}
 */
function budgetYears(form) {
  const track = answer(form, "track");
  const period = new Set();
  if (track) for (let year = data.years[track][0]; year <= data.years[track][1]; year++) period.add(year);
  const withLines = yearTables().filter((table) => lineRows(table).some((row) => !blankLine(row)));
  const shown = new Set([...period, ...withLines.map((table) => Number(table.dataset.year))]);
  return { shown: [...shown].sort((a, b) => a - b), period: track ? period : null };
}

/**
 * The table of one fiscal year, made (in year order) if it is not there yet.
 * @param {number} year
 * @param {boolean} withBlankLine  give a new table one empty line to type into
 */
function yearTable(year, withBlankLine) {
  const tables = yearTables();
  const found = tables.find((table) => Number(table.dataset.year) === year);
  if (found) return found;
  const table = instantiate("ac-tpl-year");
  table.dataset.year = String(year);
  byId("ac-years").insertBefore(table, tables.find((other) => Number(other.dataset.year) > year) ?? null);
  if (withBlankLine) addLine(table);
  return table;
}

/** A budget line in a year's table (unnamed until the next renumber()). @param {HTMLElement} table */
function addLine(table) {
  const row = instantiate("ac-tpl-line");
  slot(table, "lines").append(row);
  return row;
}

/**
 * Show the tables of the years that belong on screen, drop empty ones that no longer do, and
 * mark years outside the chosen track's period.
 * @param {HTMLFormElement} form
 */
function syncYears(form) {
  const { shown, period } = budgetYears(form);
  byId("ac-years-hint").hidden = period !== null;
  for (const table of yearTables()) {
    if (!shown.includes(Number(table.dataset.year))) table.remove();
  }
  for (const year of shown) {
    const table = yearTable(year, true);
    slot(table, "outside").hidden = !period || period.has(year);
  }
  renumber();
}

// --- Reading answers ----------------------------------------------------------------------------

/**
 * The answer held by a key's control (or radio group) in `scope`; null when not answered. Text
 * that should be a number but is not goes as typed, so the checker can say what is wrong.
 * @param {ParentNode} scope
 * @param {string} key
 * @returns {any}
 */
function answer(scope, key) {
  const [first, ...rest] = controls(scope, key);
  if (first instanceof HTMLInputElement && first.type === "radio") {
    const checked = [first, ...rest].find((each) => /** @type {HTMLInputElement} */ (each).checked);
    if (!checked) return null;
    return first.dataset.type === "bool" ? checked.value === "true" : checked.value;
  }
  if (first instanceof HTMLInputElement && first.type === "checkbox") return first.checked;
  const text = first.value.trim();
  if (!text) return null;
  if (first.dataset.type === "count") return COUNT.test(text.normalize("NFKC")) ? Number(text.normalize("NFKC")) : text;
  return text;
}

/**
 * Read every answer into the checker's input.
 * @param {HTMLFormElement} form
 * @returns {Reading}
 */
export function readForm(form) {
  /** @type {Map<string, HTMLElement>} */
  const fields = new Map();
  /** @type {Reading["amounts"]} */
  const amounts = [];
  /** @type {Reading["errors"]} */
  const errors = [];
  /** @type {Record<string, any>} */
  const input = { call: data.call };

  /**
   * @param {Record<string, any>} target
   * @param {string} key
   * @param {any} value
   * @param {string} path
   * @param {HTMLElement} where
   */
  const put = (target, key, value, path, where) => {
    fields.set(path, where);
    if (value !== null) target[key] = value;
    else if (where instanceof HTMLInputElement && where.validity.badInput) errors.push({ path, message: { [data.lang]: UNREADABLE[where.type]() } });
  };
  const from = (/** @type {ParentNode} */ scope, /** @type {string} */ key, /** @type {string} */ path, /** @type {Record<string, any>} */ target) =>
    put(target, key, answer(scope, key), path, control(scope, key));

  /**
   * The part's answers the form asks of one of its copies, in the declared order (those `own`
   * reads its own way); an answer shown only for another's value is read only once that value
   * is chosen.
   * @param {Part} part @param {HTMLElement} item @param {string} path @param {Record<string, any>} target
   * @param {Record<string, () => void>} [own]
   */
  const fromItem = (part, item, path, target, own = {}) => {
    for (const key of declared.asked[part]) {
      const shownBy = /** @type {HTMLElement | null} */ (control(item, key).closest("[data-shown-by]"));
      if (key in own) own[key]();
      else if (!shownBy || answer(item, shownBy.dataset.shownBy ?? "") === shownBy.dataset.shownFor) from(item, key, `${path}.${key}`, target);
    }
  };

  /** The parts the plan holds, and the answer the form asks with two controls. */
  const readers = {
    counterpart_pis: () => {
      input.counterpart_pis = items(lists.counterpart()).map((item, index) => {
        const path = `counterpart_pis[${index}]`;
        /** @type {Record<string, any>} */
        const counterpart = {};
        fields.set(path, control(item, "country"));
        const country = () => {
          const from = source(item, "country");
          put(counterpart, "country", answer(item, from.dataset.key ?? ""), `${path}.country`, from);
        };
        fromItem("counterpart", item, path, counterpart, { country });
        return counterpart;
      });
      fields.set("counterpart_pis", firstControl(lists.counterpart()) ?? addButton("counterpart"));
    },
    team: () => {
      input.team = [...items(lists.pi()), ...items(lists["co-pi"]())].map((item, index) => {
        const path = `team[${index}]`;
        /** @type {Record<string, any>} */
        const member = { role: item.dataset.kind };
        fields.set(path, firstControl(item));
        fields.set(`${path}.role`, firstControl(item));
        fromItem("member", item, path, member);
        return member;
      });
      fields.set("team", firstControl(lists.pi()));
    },
    budget: () => {
      const lines = [];
      for (const table of yearTables()) {
        for (const row of lineRows(table)) {
          if (blankLine(row)) continue;
          const path = `budget.lines[${lines.length}]`;
          /** @type {Record<string, any>} */
          const line = {};
          for (const key of declared.keys.line) {
            if (key === "fiscal_year") line.fiscal_year = Number(table.dataset.year);
            else if (key === "amount") {
              const typed = /** @type {HTMLInputElement} */ (control(row, key));
              fields.set(`${path}.${key}`, typed);
              if (typed.value.trim()) {
                line.amount = null; // keeps the key's place; parsed from the text by the caller (see Reading)
                amounts.push({ line, text: typed.value });
              }
            } else from(row, key, `${path}.${key}`, line);
          }
          const first = firstControl(row) ?? row;
          for (const key of ["", "fiscal_year"]) fields.set(key ? `${path}.${key}` : path, first);
          lines.push(line);
        }
      }
      const indirect = control(form, "include_indirect");
      for (const path of ["budget", "budget.include_indirect"]) fields.set(path, indirect);
      fields.set("budget.lines", firstControl(byId("ac-years")) ?? indirect);
      if (!lines.length) return;
      /** @type {Record<string, any>} */
      const budget = {};
      for (const key of declared.keys.budget) budget[key] = key === "lines" ? lines : answer(form, key);
      input.budget = budget;
    },
    submitted_at: () => {
      const local = answer(form, "submitted_at");
      const offset = answer(form, "offset");
      // A date and time in no offset is no moment (a link's that the form cannot show leaves the
      // offset empty): it stays out of the input, and the offset's control says what is missing.
      if (local && !offset) {
        fields.set("submitted_at", control(form, "offset"));
        errors.push({ path: "submitted_at", message: { [data.lang]: t("errors.no_offset") } });
        return;
      }
      // datetime-local leaves out ":00" seconds; the checker needs the offset written out.
      put(input, "submitted_at", local && `${local}${local.length === 16 ? ":00" : ""}${offset}`, "submitted_at", control(form, "submitted_at"));
    },
  };

  for (const key of declared.keys.plan) {
    if (key in readers) readers[/** @type {keyof typeof readers} */ (key)]();
    else if (asked("plan", key)) from(form, key, key, input);
  }
  fields.set("", firstControl(form) ?? form);
  return { input, fields, amounts, errors };
}

/** @param {ParentNode} scope @returns {HTMLElement | undefined} */
const firstControl = (scope) => /** @type {HTMLElement | undefined} */ (scope.querySelector("[data-key]") ?? undefined);

/**
 * The control a copy's answer is read from: a country or region the list does not name is typed
 * into the code field.
 * @param {HTMLElement} item @param {string} key
 */
const source = (item, key) => (key === "country" && answer(item, key) === data.other ? control(item, "country_other") : control(item, key));

/** @param {string} kind */
const addButton = (kind) => /** @type {HTMLElement} */ (document.querySelector(`[data-action="add"][data-kind="${kind}"]`));

// --- Filling from an input ----------------------------------------------------------------------

/**
 * Put a value into a key's control; false when the form cannot show it (so it is reported as
 * left out rather than silently changed). Values go in as values, never as HTML.
 * @param {ParentNode} scope
 * @param {string} key
 * @param {unknown} value
 */
function setAnswer(scope, key, value) {
  if (value === null || value === undefined) return true;
  const [first, ...rest] = controls(scope, key);
  if (first instanceof HTMLInputElement && first.type === "radio") {
    const wanted = first.dataset.type === "bool" ? typeof value === "boolean" : typeof value === "string";
    const radio = [first, ...rest].find((each) => each.value === String(value));
    if (!wanted || !radio) return false;
    /** @type {HTMLInputElement} */ (radio).checked = true;
    return true;
  }
  if (first instanceof HTMLInputElement && first.type === "checkbox") {
    if (typeof value !== "boolean") return false;
    first.checked = value;
    return true;
  }
  if (typeof value !== "string" && !(first.dataset.type === "count" && typeof value === "number")) return false;
  first.value = String(value);
  // Selects and date fields refuse what they cannot show; date fields also shorten what they take
  // ("10:00:00" reads back "10:00").
  return first.type === "date" || first.type === "datetime-local" ? first.value !== "" : first.value === String(value);
}

/** @param {unknown} value @returns {value is Record<string, any>} */
const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The entries of one of a part's objects, each with the name the form knows it by: its own, or
 * the current name of a former key (still accepted, and meaning the same). null for a key the
 * part does not have, and for a former key given beside its current name, which the form shows
 * instead (so the former is reported as left out, never silently dropped).
 * @param {Part} part
 * @param {Record<string, any>} given
 * @returns {[string, string | null, unknown][]} [key as given, its name, value]
 */
function named(part, given) {
  return Object.entries(given).map(([key, value]) => {
    const current = declared.formerly[part][key];
    const name = current === undefined ? key : current in given ? null : current;
    return [key, name !== null && declared.keys[part].includes(name) ? name : null, value];
  });
}

/**
 * @typedef {object} Filled  what the form made of an input it was filled from
 * @property {string[]} ignored  the input's paths the form cannot show exactly (unknown keys,
 *   values of the wrong kind, numbers JavaScript would rewrite, items beyond a list's most),
 *   left out of it
 * @property {Map<string, HTMLElement>} fields  the input's own paths → the control that shows (or
 *   would show) each: where the errors of the checker's result for that very input lead, as a
 *   link's list items need not be where the form reads them (the PI first, lines by year)
 */

// The most counterpart PIs, team members and budget lines the checker takes (the page data's
// limits, from checker/answers.py): the form shows no more, which no plan needs and which would
// only slow the page down.
/** @type {Record<"counterpart" | "member" | "line", number>} */
const MOST = { counterpart: data.limits.people, member: data.limits.people, line: data.limits.lines };

/**
 * Show an input in the form, replacing every answer, and say what it could not show.
 * @param {HTMLFormElement} form
 * @param {unknown} input
 * @returns {Filled}
 */
export function fillForm(form, input) {
  form.reset();
  for (const list of Object.values(lists)) list().replaceChildren();
  byId("ac-years").replaceChildren();
  /** @type {Filled} */
  const filled = { ignored: [], fields: new Map() };
  const given = isObject(input) ? input : {};
  if (!isObject(input)) filled.ignored.push("(JSON)");

  for (const [key, name, value] of named("plan", given)) {
    // The page's own call judges, whatever the input names (share.mjs says when it names another).
    if (name === "call") continue;
    if (name === "counterpart_pis") fillCounterparts(value, filled);
    else if (name === "team") fillTeam(value, filled);
    else if (name === "budget") fillBudget(form, value, filled);
    else if (!(name === "submitted_at" ? fillMoment(form, value) : name && asked("plan", name) && setAnswer(form, name, value))) {
      filled.ignored.push(key);
    }
  }
  // An applicant has a counterpart PI and a PI: start with one of each to answer for. An empty
  // list given on purpose stays empty (no counterpart PI, which the checker flags).
  if (!Array.isArray(given.counterpart_pis)) addItem("counterpart");
  if (!items(lists.pi()).length) addItem("pi");
  syncYears(form);
  showDependents(form);
  // Outside the lists, the input's paths are those the form reads.
  for (const [path, field] of readForm(form).fields) if (!path.includes("[")) filled.fields.set(path, field);
  return filled;
}

/**
 * The items of a given list that the form shows: at most `most`; the rest are listed as one
 * range of paths ("budget.lines[1000–4999]").
 * @param {unknown[]} list @param {string} path @param {number} most @param {Filled} filled
 */
function upTo(list, path, most, filled) {
  const last = list.length - 1;
  if (last >= most) filled.ignored.push(`${path}[${most}${last > most ? `–${last}` : ""}]`);
  return list.slice(0, most);
}

/**
 * Show one given object of a part in its copy `item`: each answer the form asks in its control
 * (`own` shows some its own way, and says whether it could); the rest is listed. Each path leads
 * to the control its answer is read from, else to the copy itself.
 * @param {Part} part @param {HTMLElement} item @param {Record<string, any>} given @param {string} path @param {Filled} filled
 * @param {Record<string, (value: unknown) => boolean>} [own]
 */
function fillItem(part, item, given, path, filled, own = {}) {
  filled.fields.set(path, firstControl(item) ?? item);
  for (const [key, name, value] of named(part, given)) {
    const shown = name !== null && (Object.hasOwn(own, name) ? own[name](value) : asked(part, name) && setAnswer(item, name, value));
    if (!shown) filled.ignored.push(`${path}.${key}`);
    if (name !== null && asked(part, name)) filled.fields.set(`${path}.${key}`, source(item, name));
  }
}

/** @param {unknown} value @param {Filled} filled */
function fillCounterparts(value, filled) {
  if (value === null) return;
  if (!Array.isArray(value)) return void filled.ignored.push("counterpart_pis");
  upTo(value, "counterpart_pis", MOST.counterpart, filled).forEach((given, index) => {
    const path = `counterpart_pis[${index}]`;
    if (!isObject(given)) return void filled.ignored.push(path);
    const item = addItem("counterpart");
    fillItem("counterpart", item, given, path, filled, { country: (country) => fillCountry(item, country) });
  });
}

/** A listed code selects its option (in any case, as the checker reads it); any other goes in the code field.
 * @param {HTMLElement} item @param {unknown} value */
function fillCountry(item, value) {
  if (value === null) return true;
  if (typeof value !== "string") return false;
  const select = /** @type {HTMLSelectElement} */ (control(item, "country"));
  const option = [...select.options].find((each) => each.value && each.value !== data.other && each.value === value.toUpperCase());
  if (option) return setAnswer(item, "country", option.value);
  return setAnswer(item, "country", data.other) && setAnswer(item, "country_other", value);
}

/** The PI first, then the Co-PIs in order; a second PI cannot be shown.
 * @param {unknown} value @param {Filled} filled */
function fillTeam(value, filled) {
  if (value === null) return;
  if (!Array.isArray(value)) return void filled.ignored.push("team");
  upTo(value, "team", MOST.member, filled).forEach((given, index) => {
    const path = `team[${index}]`;
    if (!isObject(given)) return void filled.ignored.push(path);
    const kind = given.role === "pi" && !items(lists.pi()).length ? "pi" : given.role === "co-pi" ? "co-pi" : null;
    if (!kind) return void filled.ignored.push(path);
    // The role is where the member is shown: the PI's part or a Co-PI's.
    fillItem("member", addItem(kind), given, path, filled, { role: () => true });
  });
}

/** @param {HTMLFormElement} form @param {unknown} value @param {Filled} filled */
function fillBudget(form, value, filled) {
  if (value === null) return;
  if (!isObject(value)) return void filled.ignored.push("budget");
  for (const [key, name, each] of named("budget", value)) {
    if (name === "lines" && Array.isArray(each)) {
      upTo(each, `budget.${key}`, MOST.line, filled).forEach((line, index) => fillLine(line, `budget.${key}[${index}]`, filled));
    } else if (name !== null && asked("budget", name)) {
      if (!setAnswer(form, name, each)) filled.ignored.push(`budget.${key}`);
    } else if (each !== null) {
      filled.ignored.push(`budget.${key}`);
    }
  }
}

/** @param {unknown} given @param {string} path @param {Filled} filled */
function fillLine(given, path, filled) {
  const year = isObject(given) ? given.fiscal_year : undefined;
  if (!isObject(given) || !Number.isInteger(year) || year < data.limits.years[0] || year > data.limits.years[1]) return void filled.ignored.push(path);
  const row = addLine(yearTable(/** @type {number} */ (year), false));
  fillItem("line", row, given, path, filled, {
    fiscal_year: () => true, // the table the line is in
    // Whole yen are shown grouped, as people type them; text goes in as it was typed.
    amount: (amount) => setAnswer(row, "amount", Number.isSafeInteger(amount) ? grouped(/** @type {number} */ (amount)) : amount),
  });
}

/**
 * A moment the form shows exactly fills both its date and time and its offset; any other fills
 * neither (a date and time left in another offset would be another moment).
 * @param {HTMLFormElement} form @param {unknown} value
 */
function fillMoment(form, value) {
  if (value === null) return true;
  const match = typeof value === "string" ? MOMENT.exec(value) : null;
  const shown = match !== null && setAnswer(form, "offset", match[3] === "Z" ? "+00:00" : match[3]) && setAnswer(form, "submitted_at", `${match[1]}T${match[2]}`);
  if (!shown) for (const key of ["submitted_at", "offset"]) control(form, key).value = "";
  return shown;
}

// --- Behaviour ----------------------------------------------------------------------------------

/** Show the questions that apply (the code field for another country, the result date once applied).
 * @param {ParentNode} scope */
function showDependents(scope) {
  for (const dependent of /** @type {NodeListOf<HTMLElement>} */ (scope.querySelectorAll("[data-shown-by]"))) {
    const item = /** @type {HTMLElement} */ (dependent.closest("[data-item]"));
    dependent.hidden = answer(item, dependent.dataset.shownBy ?? "") !== dependent.dataset.shownFor;
  }
}

/** Whether an answer is typed into the control (text, or a date's and a time's parts). @param {EventTarget | null} control */
const typedInto = (control) => control instanceof HTMLInputElement && ["text", "date", "datetime-local"].includes(control.type);

/**
 * Wire the form: add and remove buttons, dependent questions, fiscal years that follow the track.
 * `changed` runs after every change of an answer, given the control typed into while its answer
 * is typed, and with none when a typed answer's field is left: a half-typed answer ("1,") is
 * then not yet an error (see checker.mjs).
 * @param {HTMLFormElement} form
 * @param {(typing?: HTMLInputElement) => void} changed
 */
export function setUpForm(form, changed) {
  // Every control fires "input" on each change of its value; "change" only adjusts the form.
  form.addEventListener("input", (event) => changed(typedInto(event.target) ? /** @type {HTMLInputElement} */ (event.target) : undefined));
  // A date typed in part changes no value (so fires no "input"): leaving the field is the sign.
  form.addEventListener("focusout", (event) => {
    if (typedInto(event.target)) changed();
  });
  form.addEventListener("change", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const item = target.closest("[data-item]");
    if (item) showDependents(item);
    if (target.dataset.key === "track") syncYears(form);
  });
  form.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-action]");
    if (!(button instanceof HTMLButtonElement)) return;
    const action = button.dataset.action;
    if (action === "add" || action === "add-line") {
      const part =
        action === "add"
          ? addItem(/** @type {"counterpart" | "co-pi"} */ (button.dataset.kind))
          : addLine(/** @type {HTMLElement} */ (button.closest("[data-year]")));
      renumber();
      focusFirst(part);
    } else if (action === "remove") {
      removePart(/** @type {HTMLElement} */ (button.closest("[data-item]")), form);
    }
    changed();
  });
}

/** @param {HTMLElement} part */
function focusFirst(part) {
  /** @type {HTMLElement | null} */ (part.querySelector("input, select"))?.focus();
}

/** Remove a part and keep the keyboard where it was: on the next part, or on the add button.
 * @param {HTMLElement} part @param {HTMLFormElement} form */
function removePart(part, form) {
  const table = part.closest("[data-year]");
  const next = /** @type {HTMLElement | null} */ (part.nextElementSibling ?? part.previousElementSibling);
  const fallback = table ? table.querySelector('[data-action="add-line"]') : addButton(part.dataset.kind ?? "");
  part.remove();
  renumber();
  if (table) syncYears(form);
  const target = next?.isConnected ? next.querySelector("input, select") : fallback?.isConnected ? fallback : firstControl(byId("ac-years"));
  /** @type {HTMLElement | null | undefined} */ (target)?.focus();
}
