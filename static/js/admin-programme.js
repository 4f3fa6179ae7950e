// The programme console: sessions by day (create, edit, duplicate, move, delete), speakers, themes and
// stages, schedule import with a preview, and the change history. Every save sends the `version` it
// started from; a 409 shows the other person's version and lets the organiser re-apply their own change.
// User text only ever reaches the page through textContent or attribute values.

import {
  addMinutes,
  announce,
  api,
  clearFieldErrors,
  el,
  field,
  formatStamp,
  longDay,
  minutesBetween,
  showFieldErrors,
  wallClock,
  zonedIso,
} from "./admin-common.js";
import { LiveConnection } from "./live.js";

const API = "/api/v1";
const KIND_LABELS = {
  plenary: "Plenary",
  panel: "Panel",
  session: "Session",
  breakout: "Breakout",
  roundtable: "Roundtable",
  networking: "Networking",
  break: "Break",
};
const FIELD_LABELS = {
  title: "Title",
  kind: "Format",
  start: "Start",
  end: "End",
  stage: "Stage",
  speakers: "Speakers",
  themes: "Themes",
  description: "Description",
  stream_url: "Stream address",
  interpretation_url: "Interpretation address",
  capacity: "Places",
  language: "Language",
  qa_moderated: "Moderated Q&A",
  tables: "Tables",
  name: "Name",
  organisation: "Organisation",
  job_title: "Job title",
  country: "Country",
  bio: "Biography",
  key: "Key",
  slug: "Slug",
};

const root = document.getElementById("console");
const notice = document.getElementById("console-notice");
const KINDS = root.dataset.kinds.split(" ");

const state = {
  conference: null,
  days: [],
  sessions: new Map(),
  speakers: [],
  themes: [],
  stages: [],
  ownVersions: new Map(), // session id -> version our own last save produced (no "changed elsewhere" notice)
  inFlight: new Map(), // session id -> pending own requests: their push may arrive before the HTTP answer
  importing: 0, // own imports in flight (their pushes are ours too)
  historyPage: 1,
};

// ---------------------------------------------------------------- small helpers

function say(text, tone = "info") {
  announce(notice, text, tone);
}

function dayList(conference) {
  const days = [];
  const last = new Date(`${conference.end_date}T00:00:00Z`);
  for (let d = new Date(`${conference.start_date}T00:00:00Z`); d <= last; d.setUTCDate(d.getUTCDate() + 1)) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

function timeRange(session) {
  return `${session.conference_start.slice(11, 16)}–${session.conference_end.slice(11, 16)}`;
}

function showFormError(node, text) {
  node.hidden = !text;
  node.textContent = text || "";
}

function errorText(body) {
  return body?.error?.message || "Something went wrong. Please try again.";
}

function describeValue(name, value) {
  if (value === null || value === undefined || value === "") return "—";
  if (name === "speakers") {
    return value.map((id) => state.speakers.find((s) => s.id === id)?.name ?? String(id)).join(", ") || "—";
  }
  if (name === "stage") return state.stages.find((s) => s.key === value)?.name ?? String(value);
  if (name === "kind") return KIND_LABELS[value] ?? value;
  if (name === "start" || name === "end") return `${longDay(value.slice(0, 10))}, ${value.slice(11, 16)}`;
  if (name === "tables") return value.map((t) => `${t.topic} (${t.seats})`).join("; ") || "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.join(", ") || "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function closeButtons(dialog) {
  for (const button of dialog.querySelectorAll(".js-close")) button.addEventListener("click", () => dialog.close());
}

/** Runs an own request about `sessionId` (or an import when null) so its live pushes are not taken for
 * someone else's; the marker stays a moment after the answer because the push can trail it. */
async function own(sessionId, request) {
  const bump = (by) => {
    if (sessionId === null) state.importing += by;
    else state.inFlight.set(sessionId, (state.inFlight.get(sessionId) ?? 0) + by);
  };
  bump(1);
  try {
    return await request();
  } finally {
    setTimeout(() => bump(-1), 3000);
  }
}

// ---------------------------------------------------------------- tabs

const tabs = [...root.querySelectorAll('[role="tab"]')];

function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  if (tab.id === "tab-history") loadHistory(true);
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const index = tabs.indexOf(tab);
    const next = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (next) selectTab(tabs[(index + next + tabs.length) % tabs.length], true);
    else if (event.key === "Home") selectTab(tabs[0], true);
    else if (event.key === "End") selectTab(tabs[tabs.length - 1], true);
    else return;
    event.preventDefault();
  });
}

// ---------------------------------------------------------------- loading

async function loadProgramme() {
  const response = await api("GET", `${API}/programme`);
  const container = document.getElementById("session-days");
  if (!response.ok) {
    container.replaceChildren(el("p", { class: "notice notice--warning" }, errorText(response.body)));
    return;
  }
  state.conference = response.body.conference;
  state.days = dayList(state.conference);
  state.sessions = new Map();
  for (const day of response.body.days) for (const s of day.sessions) state.sessions.set(s.id, s);
  renderSessions();
  fillHistorySelect();
}

async function loadCatalogue(kind) {
  const response = await api("GET", `${API}/admin/${kind}`);
  if (response.ok) {
    state[kind] = response.body.items;
    renderCatalogue(kind);
  }
}

async function loadAll() {
  await Promise.all([loadCatalogue("speakers"), loadCatalogue("themes"), loadCatalogue("stages")]);
  await loadProgramme();
}

// ---------------------------------------------------------------- sessions list

function sessionsOn(day) {
  return [...state.sessions.values()]
    .filter((s) => s.conference_start.slice(0, 10) === day)
    .sort((a, b) => a.conference_start.localeCompare(b.conference_start) || a.stage.localeCompare(b.stage));
}

function actionButton(label, title, handler, extra = "") {
  return el(
    "button",
    { type: "button", class: `button button--small button--light ${extra}`, onclick: handler },
    label,
    el("span", { class: "visually-hidden" }, ` “${title}”`),
  );
}

function moreMenu(title, items) {
  const menu = el(
    "details",
    { class: "menu" },
    el("summary", { class: "button button--small button--light menu__button" }, "More", el("span", { class: "visually-hidden" }, ` for “${title}”`)),
    el(
      "ul",
      { class: "menu__list" },
      items.map(([label, handler, extra]) =>
        el(
          "li",
          {},
          el(
            "button",
            {
              type: "button",
              class: `menu__item ${extra ?? ""}`,
              onclick: () => {
                menu.open = false;
                handler();
              },
            },
            label,
            el("span", { class: "visually-hidden" }, ` “${title}”`),
          ),
        ),
      ),
    ),
  );
  return menu;
}

function speakerSummary(speakers) {
  const names = speakers.map((p) => p.name);
  if (names.length <= 2) return names.join(", ");
  return `${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
}

function sessionRow(session) {
  const speakers = speakerSummary(session.speakers);
  return el(
    "tr",
    { id: `row-${session.id}`, dataset: { sessionId: session.id } },
    el("td", { class: "session-table__time" }, el("time", { datetime: session.conference_start }, timeRange(session))),
    el(
      "td",
      { class: "session-table__what" },
      el("span", { class: `kind kind--${session.kind}` }, KIND_LABELS[session.kind] ?? session.kind),
      " ",
      el("a", { class: "session-table__title", href: `/sessions/${session.id}` }, session.title),
      speakers ? el("span", { class: "session-table__speakers" }, speakers) : null,
    ),
    el("td", { class: "session-table__stage" }, session.stage),
    el("td", { class: "session-table__version num" }, `v${session.version}`),
    el(
      "td",
      { class: "session-table__actions" },
      el(
        "div",
        { class: "button-row" },
        actionButton("Edit", session.title, () => openSessionDialog("edit", session)),
        actionButton("Move", session.title, () => openMoveDialog(session)),
        session.kind === "roundtable"
          ? el(
              "a",
              { class: "button button--small button--light", href: `/sessions/${session.id}/seating` },
              "Seating",
              el("span", { class: "visually-hidden" }, ` of “${session.title}”`),
            )
          : null,
        moreMenu(session.title, [
          ["Duplicate", () => openSessionDialog("create", session)],
          ["History", () => showHistoryFor(session.id)],
          ["Delete", () => confirmDeleteSession(session), "menu__item--danger"],
        ]),
      ),
    ),
  );
}

function renderSessions() {
  const container = document.getElementById("session-days");
  const blocks = state.days.map((day, index) => {
    const sessions = sessionsOn(day);
    const headingId = `console-day-${day}`;
    return el(
      "section",
      { class: "card day-block", "aria-labelledby": headingId },
      el(
        "div",
        { class: "day-block__head" },
        el("h2", { class: "day-block__title", id: headingId }, `Day ${index + 1} · ${longDay(day)}`),
        el("span", { class: "muted" }, `${sessions.length} session${sessions.length === 1 ? "" : "s"}`),
        el(
          "button",
          { type: "button", class: "button button--small button--ghost-dark", onclick: () => openSessionDialog("create", null, day) },
          "Add a session",
          el("span", { class: "visually-hidden" }, ` on ${longDay(day)}`),
        ),
      ),
      sessions.length
        ? el(
            "div",
            { class: "table-scroll" },
            el(
              "table",
              { class: "data-table session-table" },
              el(
                "thead",
                {},
                el(
                  "tr",
                  {},
                  el("th", { scope: "col" }, "Time"),
                  el("th", { scope: "col" }, "Session"),
                  el("th", { scope: "col" }, "Stage"),
                  el("th", { scope: "col", class: "num" }, "Version"),
                  el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions")),
                ),
              ),
              el("tbody", {}, sessions.map(sessionRow)),
            ),
          )
        : el("p", { class: "muted day-block__empty" }, "No sessions on this day yet."),
    );
  });
  container.replaceChildren(...blocks);
  container.removeAttribute("aria-busy");
}

// ---------------------------------------------------------------- the session form

const sessionDialog = document.getElementById("session-dialog");
const sessionForm = document.getElementById("session-form");
const sessionFields = document.getElementById("session-fields");
const sessionFormError = document.getElementById("session-form-error");
const conflictBox = document.getElementById("session-conflict");
const staleBox = document.getElementById("session-stale");
closeButtons(sessionDialog);

const editing = { mode: "create", session: null, version: null, changedKeys: null };

/** The API body a session corresponds to (the form's starting point and the base of the edit diff). */
function sessionToBody(session) {
  return {
    title: session.title,
    kind: session.kind,
    start: session.conference_start,
    end: session.conference_end,
    stage: session.stage_key,
    speakers: session.speakers.map((p) => p.id),
    themes: [...session.themes],
    description: session.description ?? "",
    stream_url: session.stream_url ?? null,
    interpretation_url: session.interpretation_url ?? null,
    capacity: session.capacity ?? null,
    language: session.language ?? "en",
    qa_moderated: Boolean(session.qa_moderated),
    tables: (session.tables ?? []).map((t) => ({ id: t.id, topic: t.topic, host: t.host, seats: t.seats, language: t.language })),
  };
}

function select(name, options, value) {
  return el(
    "select",
    { name },
    options.map(([optionValue, label]) => el("option", { value: optionValue, selected: optionValue === value }, label)),
  );
}

function checkGroup(name, legend, items, chosen, { filter = false } = {}) {
  const list = el(
    "ul",
    { class: "check-list" },
    items.map(([value, label, detail]) =>
      el(
        "li",
        { dataset: { label: `${label} ${detail ?? ""}`.toLowerCase() } },
        el(
          "label",
          { class: "check" },
          el("input", { type: "checkbox", name, value: String(value), checked: chosen.includes(value) }),
          el("span", {}, label, detail ? el("span", { class: "check__detail" }, ` · ${detail}`) : null),
        ),
      ),
    ),
  );
  const errorId = `${name}-group-error`;
  const search = filter
    ? el("input", {
        type: "search",
        class: "check-filter",
        placeholder: `Filter ${legend.toLowerCase()}…`,
        "aria-label": `Filter ${legend.toLowerCase()}`,
        oninput: (event) => {
          const words = event.target.value.trim().toLowerCase();
          for (const item of list.children) item.hidden = Boolean(words) && !item.dataset.label.includes(words);
        },
      })
    : null;
  return el(
    "fieldset",
    { class: "field field--group field--wide", dataset: { field: name }, "aria-describedby": errorId },
    el("legend", {}, legend),
    search,
    list,
    el("p", { class: "field__error", id: errorId, hidden: true }),
  );
}

function tableRow(table = {}, index = 0) {
  const row = el("li", { class: "table-row", dataset: { tableId: table.id ?? "" } });
  const topic = field(`tables[${index}].topic`, "Topic", el("input", { type: "text", maxlength: 300, value: table.topic ?? "" }), { required: true });
  const host = field(`tables[${index}].host`, "Host", el("input", { type: "text", maxlength: 200, value: table.host ?? "" }));
  const seats = field(`tables[${index}].seats`, "Seats", el("input", { type: "number", min: 1, max: 1000, value: table.seats ?? 8 }), { required: true });
  const language = field(`tables[${index}].language`, "Language", el("input", { type: "text", maxlength: 2, size: 3, value: table.language ?? "en" }));
  topic.input.dataset.part = "topic";
  host.input.dataset.part = "host";
  seats.input.dataset.part = "seats";
  language.input.dataset.part = "language";
  row.append(
    topic.wrap,
    host.wrap,
    seats.wrap,
    language.wrap,
    el("button", { type: "button", class: "button button--small button--danger-light table-row__remove", onclick: () => { row.remove(); renumberTables(); } }, "Remove table"),
  );
  return row;
}

function renumberTables() {
  const rows = sessionFields.querySelectorAll(".table-row");
  rows.forEach((row, index) => {
    for (const wrap of row.querySelectorAll("[data-field]")) {
      const part = wrap.querySelector("input").dataset.part;
      wrap.dataset.field = `tables[${index}].${part}`;
    }
  });
}

function buildSessionFields(body, day) {
  const [startDay, startTime] = body.start ? wallClock(body.start) : [day ?? state.days[0], "13:00"];
  const endTime = body.end ? wallClock(body.end)[1] : addMinutes(startTime, 30);
  const title = field("title", "Title", el("input", { type: "text", maxlength: 200, value: body.title ?? "" }), { required: true, wide: true });
  const kind = field("kind", "Format", select("kind", KINDS.map((k) => [k, KIND_LABELS[k] ?? k]), body.kind ?? "session"), { required: true });
  const stage = field("stage", "Stage", select("stage", state.stages.map((s) => [s.key, s.name]), body.stage ?? state.stages[0]?.key), { required: true });
  const dayField = field("day", "Day", select("day", state.days.map((d, n) => [d, `Day ${n + 1} · ${longDay(d)}`]), startDay), { required: true });
  const start = field("start", "Starts", el("input", { type: "time", step: 300, value: startTime }), { required: true, hint: `Conference time (${state.conference.timezone.replace("_", " ")})` });
  const end = field("end", "Ends", el("input", { type: "time", step: 300, value: endTime }), { required: true });
  const speakers = checkGroup(
    "speakers",
    "Speakers",
    state.speakers.map((s) => [s.id, s.name, s.organisation && s.organisation !== s.name ? s.organisation : ""]),
    body.speakers ?? [],
    { filter: true },
  );
  const themes = checkGroup("themes", "Themes", state.themes.map((t) => [t.slug, t.name]), body.themes ?? []);
  const description = field("description", "Description", el("textarea", { rows: 5, maxlength: 5000 }), { wide: true });
  description.input.value = body.description ?? "";
  const stream = field("stream_url", "Stream address", el("input", { type: "url", maxlength: 500, value: body.stream_url ?? "", placeholder: "https://" }));
  const interpretation = field("interpretation_url", "Interpretation address", el("input", { type: "url", maxlength: 500, value: body.interpretation_url ?? "", placeholder: "https://" }));
  const capacity = field("capacity", "Places", el("input", { type: "number", min: 1, max: 100000, value: body.capacity ?? "" }), { hint: "Leave empty for no limit" });
  const language = field("language", "Language", el("input", { type: "text", maxlength: 2, value: body.language ?? "en" }), { hint: "Two letters, e.g. en, fr, es" });
  const qa = el(
    "div",
    { class: "field field--check", dataset: { field: "qa_moderated" } },
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "qa_moderated", checked: Boolean(body.qa_moderated) }), "Questions wait for a moderator before they show"),
    el("p", { class: "field__error", hidden: true }),
  );
  const tableList = el("ol", { class: "table-rows" }, (body.tables ?? []).map((t, n) => tableRow(t, n)));
  const tables = el(
    "fieldset",
    { class: "field field--group field--wide tables-field", dataset: { field: "tables" } },
    el("legend", {}, "Roundtable tables"),
    tableList,
    el("button", { type: "button", class: "button button--small button--light", onclick: () => { tableList.append(tableRow({}, tableList.children.length)); renumberTables(); } }, "Add a table"),
    el("p", { class: "field__error", hidden: true }),
  );
  const syncTables = () => {
    tables.hidden = kind.input.value !== "roundtable" && !tableList.children.length;
  };
  kind.input.addEventListener("change", syncTables);
  syncTables();
  // Moving the start keeps the length, as organisers usually shift a slot rather than resize it.
  let length = minutesBetween(`2000-01-01T${startTime}:00Z`, `2000-01-01T${endTime}:00Z`);
  start.input.addEventListener("change", () => {
    if (start.input.value) end.input.value = addMinutes(start.input.value, length);
  });
  end.input.addEventListener("change", () => {
    if (start.input.value && end.input.value) length = minutesBetween(`2000-01-01T${start.input.value}:00Z`, `2000-01-01T${end.input.value}:00Z`);
  });
  sessionFields.replaceChildren(
    title.wrap,
    kind.wrap,
    stage.wrap,
    dayField.wrap,
    el("div", { class: "field-pair" }, start.wrap, end.wrap),
    speakers,
    themes,
    description.wrap,
    stream.wrap,
    interpretation.wrap,
    capacity.wrap,
    language.wrap,
    qa,
    tables,
  );
}

function readSessionForm() {
  const form = sessionForm;
  const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
  const day = value("day");
  const local = {};
  if (!value("start")) local.start = "is required";
  if (!value("end")) local.end = "is required";
  const zone = state.conference.timezone;
  const capacity = value("capacity");
  const body = {
    title: value("title"),
    kind: value("kind"),
    start: value("start") ? zonedIso(day, value("start"), zone) : null,
    end: value("end") ? zonedIso(day, value("end"), zone) : null,
    stage: value("stage"),
    speakers: [...form.querySelectorAll('[name="speakers"]:checked')].map((box) => Number(box.value)),
    themes: [...form.querySelectorAll('[name="themes"]:checked')].map((box) => box.value),
    description: form.querySelector('[name="description"]').value,
    stream_url: value("stream_url") || null,
    interpretation_url: value("interpretation_url") || null,
    capacity: capacity === "" ? null : Number(capacity),
    language: value("language") || "en",
    qa_moderated: form.querySelector('[name="qa_moderated"]').checked,
    tables: [...form.querySelectorAll(".table-row")].map((row) => {
      const part = (name) => row.querySelector(`[data-part="${name}"]`).value.trim();
      const table = { topic: part("topic"), host: part("host"), seats: Number(part("seats")), language: part("language") || "en" };
      if (row.dataset.tableId) table.id = Number(row.dataset.tableId);
      return table;
    }),
  };
  return { body, local };
}

function changedKeys(before, after) {
  return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

function openSessionDialog(mode, session, day) {
  editing.mode = mode;
  editing.session = mode === "edit" ? session : null;
  editing.version = mode === "edit" ? session.version : null;
  editing.changedKeys = null;
  const body = session ? sessionToBody(session) : {};
  if (mode === "create" && session) {
    body.title = `${session.title} (copy)`;
    body.tables = body.tables.map(({ id: _id, ...rest }) => rest);
  }
  document.getElementById("session-dialog-title").textContent =
    mode === "edit" ? `Edit “${session.title}”` : session ? `Duplicate “${session.title}”` : "New session";
  document.getElementById("session-save").textContent = mode === "edit" ? "Save changes" : "Create session";
  conflictBox.hidden = true;
  staleBox.hidden = true;
  showFormError(sessionFormError, "");
  buildSessionFields(body, day);
  clearFieldErrors(sessionForm);
  if (mode === "create" && session) {
    staleBox.hidden = false;
    staleBox.textContent = "A copy cannot share its time and stage with the original: pick another time or stage.";
  }
  sessionDialog.showModal();
  sessionForm.querySelector('[name="title"]').focus();
}

async function saveSession(event) {
  event.preventDefault();
  const { body, local } = readSessionForm();
  if (Object.keys(local).length) {
    showFieldErrors(sessionForm, local);
    return;
  }
  showFormError(sessionFormError, "");
  let response;
  if (editing.mode === "create") {
    if (body.kind !== "roundtable" && !body.tables.length) delete body.tables;
    response = await own(-1, () => api("POST", `${API}/sessions`, body)); // new: its id is not known yet
  } else {
    const base = sessionToBody(editing.session);
    // After a conflict, the keys the organiser changed stay theirs to re-apply on the newer version.
    const keys = editing.changedKeys ?? changedKeys(base, body);
    if (!keys.length) {
      sessionDialog.close();
      say("Nothing to save: the session is as it was.");
      return;
    }
    const patch = Object.fromEntries(keys.map((key) => [key, body[key]]));
    patch.version = editing.version;
    response = await own(editing.session.id, () => api("PATCH", `${API}/sessions/${editing.session.id}`, patch));
    if (response.status === 409 && response.body.current) {
      showConflict(response.body.current, keys, body);
      return;
    }
  }
  if (response.ok) {
    state.ownVersions.set(response.body.id, response.body.version);
    state.sessions.set(response.body.id, response.body);
    sessionDialog.close();
    renderSessions();
    say(`${editing.mode === "edit" ? "Saved" : "Created"} “${response.body.title}”, ${longDay(response.body.conference_start.slice(0, 10))} ${timeRange(response.body)}, ${response.body.stage}.`, "success");
    document.getElementById(`row-${response.body.id}`)?.classList.add("is-updated");
    return;
  }
  const unplaced = showFieldErrors(sessionForm, response.body.error.fields);
  const extra = Object.entries(unplaced).map(([k, v]) => `${FIELD_LABELS[k] ?? k}: ${v}`);
  showFormError(sessionFormError, [response.status === 422 ? "Please correct the fields marked below; nothing was saved." : errorText(response.body), ...extra].join(" "));
}

function showConflict(current, keys, mine) {
  const theirs = sessionToBody(current);
  const theirChanges = changedKeys(sessionToBody(editing.session), theirs).filter((k) => !keys.includes(k));
  const rows = keys.map((key) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, FIELD_LABELS[key] ?? key),
      el("td", {}, describeValue(key, theirs[key])),
      el("td", {}, describeValue(key, mine[key])),
    ),
  );
  clearFieldErrors(sessionForm);
  showFormError(sessionFormError, "");
  staleBox.hidden = true;
  const parts = [
    el("h3", { class: "conflict__title" }, "Someone else changed this session while you were editing"),
    el("p", {}, `It is now version ${current.version}: “${current.title}”, ${longDay(current.conference_start.slice(0, 10))}, ${timeRange(current)}, ${current.stage}.`),
    el(
      "table",
      { class: "data-table conflict__table" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Their version (saved)"), el("th", { scope: "col" }, "Your change"))),
      el("tbody", {}, rows),
    ),
    theirChanges.length
      ? el("p", { class: "muted" }, `They also changed: ${theirChanges.map((k) => FIELD_LABELS[k] ?? k).join(", ")} (kept as they are).`)
      : null,
    el(
      "div",
      { class: "button-row" },
      el("button", { type: "submit", class: "button button--accent" }, "Re-apply my changes on their version"),
      el(
        "button",
        {
          type: "button",
          class: "button button--light",
          onclick: () => {
            state.sessions.set(current.id, current);
            renderSessions();
            openSessionDialog("edit", current);
          },
        },
        "Discard mine and edit theirs",
      ),
    ),
  ];
  conflictBox.replaceChildren(...parts.filter(Boolean));
  conflictBox.hidden = false;
  editing.session = current;
  editing.version = current.version;
  editing.changedKeys = keys;
  state.sessions.set(current.id, current);
  renderSessions();
  conflictBox.querySelector("button").focus();
}

sessionForm.addEventListener("submit", saveSession);

// ---------------------------------------------------------------- moving a session

const moveDialog = document.getElementById("move-dialog");
const moveForm = document.getElementById("move-form");
const moveConflict = document.getElementById("move-conflict");
const moveError = document.getElementById("move-form-error");
const moving = { session: null, version: null };
closeButtons(moveDialog);

function openMoveDialog(session) {
  moving.session = session;
  moving.version = session.version;
  const [day, startTime] = wallClock(session.conference_start);
  const endTime = wallClock(session.conference_end)[1];
  const length = minutesBetween(session.conference_start, session.conference_end);
  document.getElementById("move-dialog-title").textContent = `Move “${session.title}”`;
  document.getElementById("move-what").textContent = `Now: ${longDay(day)}, ${timeRange(session)}, ${session.stage} (${length} minutes).`;
  const dayField = field("day", "Day", select("day", state.days.map((d, n) => [d, `Day ${n + 1} · ${longDay(d)}`]), day));
  const start = field("start", "Starts", el("input", { type: "time", step: 300, value: startTime }), { required: true });
  const end = field("end", "Ends", el("input", { type: "time", step: 300, value: endTime }), { required: true, hint: "Moves with the start; change it to resize" });
  const stage = field("stage", "Stage", select("stage", state.stages.map((s) => [s.key, s.name]), session.stage_key));
  start.input.addEventListener("change", () => {
    if (start.input.value) end.input.value = addMinutes(start.input.value, length);
  });
  document.getElementById("move-fields").replaceChildren(dayField.wrap, el("div", { class: "field-pair" }, start.wrap, end.wrap), stage.wrap);
  moveConflict.hidden = true;
  showFormError(moveError, "");
  moveDialog.showModal();
  start.input.focus();
}

moveForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const value = (name) => moveForm.querySelector(`[name="${name}"]`).value;
  if (!value("start") || !value("end")) {
    showFieldErrors(moveForm, { ...(value("start") ? {} : { start: "is required" }), ...(value("end") ? {} : { end: "is required" }) });
    return;
  }
  const zone = state.conference.timezone;
  const body = {
    start: zonedIso(value("day"), value("start"), zone),
    end: zonedIso(value("day"), value("end"), zone),
    stage: value("stage"),
    version: moving.version,
  };
  const response = await own(moving.session.id, () => api("PATCH", `${API}/sessions/${moving.session.id}`, body));
  if (response.status === 409 && response.body.current) {
    const current = response.body.current;
    moving.version = current.version;
    state.sessions.set(current.id, current);
    renderSessions();
    moveConflict.replaceChildren(
      el("h3", { class: "conflict__title" }, "Someone else changed this session meanwhile"),
      el("p", {}, `It is now version ${current.version}: “${current.title}”, ${longDay(current.conference_start.slice(0, 10))}, ${timeRange(current)}, ${current.stage}.`),
      el("p", {}, "Press Move again to move their version to the time and stage above."),
    );
    moveConflict.hidden = false;
    return;
  }
  if (response.ok) {
    state.ownVersions.set(response.body.id, response.body.version);
    state.sessions.set(response.body.id, response.body);
    moveDialog.close();
    renderSessions();
    say(`Moved “${response.body.title}” to ${longDay(response.body.conference_start.slice(0, 10))}, ${timeRange(response.body)}, ${response.body.stage}.`, "success");
    document.getElementById(`row-${response.body.id}`)?.classList.add("is-updated");
    return;
  }
  const unplaced = showFieldErrors(moveForm, response.body.error.fields);
  const extra = Object.entries(unplaced).map(([k, v]) => `${FIELD_LABELS[k] ?? k}: ${v}`);
  showFormError(moveError, [response.status === 422 ? "The session was not moved." : errorText(response.body), ...extra].join(" "));
});

// ---------------------------------------------------------------- confirming deletes

const confirmDialog = document.getElementById("confirm-dialog");
const confirmForm = document.getElementById("confirm-form");
const confirmError = document.getElementById("confirm-error");
let confirmAction = null;
closeButtons(confirmDialog);

function confirmThen(title, text, button, action) {
  document.getElementById("confirm-dialog-title").textContent = title;
  document.getElementById("confirm-text").textContent = text;
  const yes = document.getElementById("confirm-yes");
  yes.textContent = button ?? "";
  yes.hidden = !button; // nothing to confirm: the dialog only explains why not
  confirmDialog.querySelector(".js-close").textContent = button ? "Keep it" : "Close";
  showFormError(confirmError, "");
  confirmAction = action;
  confirmDialog.showModal();
  confirmDialog.querySelector(".js-close").focus();
}

confirmForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const problem = await confirmAction();
  if (problem) showFormError(confirmError, problem);
  else confirmDialog.close();
});

function confirmDeleteSession(session) {
  confirmThen(
    `Delete “${session.title}”?`,
    `It disappears from every open programme page at once, and everyone who bookmarked it is told it was cancelled. The history keeps a copy.`,
    "Delete session",
    async () => {
      const response = await own(session.id, () => api("DELETE", `${API}/sessions/${session.id}?version=${session.version}`));
      if (response.status === 409) {
        if (response.body.current) state.sessions.set(session.id, response.body.current);
        renderSessions();
        return "Someone else changed this session a moment ago; look at it again before deleting it.";
      }
      if (!response.ok) return errorText(response.body);
      state.sessions.delete(session.id);
      state.ownVersions.set(session.id, -1);
      renderSessions();
      say(`Deleted “${session.title}”.`, "success");
      return null;
    },
  );
}

// ---------------------------------------------------------------- speakers, themes, stages

const CATALOGUE_FIELDS = {
  speakers: [
    ["name", "Name", "text", { required: true }],
    ["organisation", "Organisation", "text"],
    ["job_title", "Job title", "text"],
    ["country", "Country", "text", { hint: "Two letters, e.g. FR", maxlength: 2 }],
    ["bio", "Biography", "textarea", { wide: true }],
  ],
  themes: [["name", "Name", "text", { required: true }]],
  stages: [["name", "Name", "text", { required: true }]],
};
const KEY_FIELD = { speakers: "key", themes: "slug", stages: "key" };

function catalogueFields(kind, values = {}, { withKey = false } = {}) {
  const specs = [...CATALOGUE_FIELDS[kind]];
  if (withKey) {
    specs.push([KEY_FIELD[kind], kind === "themes" ? "Slug" : "Key", "text", { hint: "Lower-case letters, digits and dashes; made from the name if empty; cannot change later", maxlength: 64 }]);
  }
  return specs.map(([name, label, type, options = {}]) => {
    const control = type === "textarea" ? el("textarea", { rows: 3 }) : el("input", { type, maxlength: options.maxlength ?? 200 });
    control.value = values[name] ?? "";
    return field(name, label, control, options);
  });
}

function readCatalogueForm(form) {
  const body = {};
  for (const input of form.querySelectorAll("input, textarea")) {
    const value = input.value.trim();
    if (value !== "" || input.dataset.keep) body[input.name] = value;
  }
  return body;
}

function renderCatalogueForms() {
  for (const form of root.querySelectorAll(".catalogue-form")) {
    const kind = form.dataset.kind;
    const fields = catalogueFields(kind, {}, { withKey: true });
    form.replaceChildren(
      el("div", { class: "form-grid" }, fields.map((f) => f.wrap)),
      el("p", { class: "form-error", role: "alert", hidden: true }),
      el("button", { type: "submit", class: "button" }, `Add ${form.closest("[data-singular]").dataset.singular}`),
    );
  }
}

for (const form of root.querySelectorAll(".catalogue-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = form.dataset.kind;
    const response = await api("POST", `${API}/admin/${kind}`, readCatalogueForm(form));
    const formError = form.querySelector(".form-error");
    if (!response.ok) {
      const unplaced = showFieldErrors(form, response.body.error.fields);
      const lead = response.status === 422 ? "Please correct the fields marked above; nothing was saved." : errorText(response.body);
      showFormError(formError, [lead, ...Object.values(unplaced)].join(" "));
      return;
    }
    showFormError(formError, "");
    clearFieldErrors(form);
    form.reset();
    await loadCatalogue(kind);
    say(`Added “${response.body.name}”.`, "success");
  });
}

function renderCatalogue(kind) {
  const table = root.querySelector(`.catalogue-table[data-kind="${kind}"]`);
  const speakers = kind === "speakers";
  const head = el(
    "thead",
    {},
    el(
      "tr",
      {},
      el("th", { scope: "col" }, "Name"),
      speakers ? el("th", { scope: "col" }, "Organisation") : null,
      speakers ? el("th", { scope: "col" }, "Country") : null,
      el("th", { scope: "col" }, kind === "themes" ? "Slug" : "Key"),
      el("th", { scope: "col", class: "num" }, "Sessions"),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Actions")),
    ),
  );
  const rows = state[kind].map((item) =>
    el(
      "tr",
      {},
      el("td", {}, item.name),
      speakers ? el("td", {}, item.organisation || "—") : null,
      speakers ? el("td", {}, item.country || "—") : null,
      el("td", {}, el("code", {}, item[KEY_FIELD[kind]])),
      el("td", { class: "num" }, String(item.sessions)),
      el(
        "td",
        { class: "session-table__actions" },
        el(
          "div",
          { class: "button-row" },
          actionButton("Edit", item.name, () => openItemDialog(kind, item)),
          actionButton("Delete", item.name, () => confirmDeleteItem(kind, item), "button--danger-light"),
        ),
      ),
    ),
  );
  table.replaceChildren(head, el("tbody", {}, rows));
}

const itemDialog = document.getElementById("item-dialog");
const itemForm = document.getElementById("item-form");
const editingItem = { kind: null, item: null };
closeButtons(itemDialog);

function openItemDialog(kind, item) {
  editingItem.kind = kind;
  editingItem.item = item;
  document.getElementById("item-dialog-title").textContent = `Edit “${item.name}”`;
  const fields = catalogueFields(kind, item);
  for (const f of fields) f.input.dataset.keep = "1"; // an emptied field is sent, so it can be cleared
  document.getElementById("item-fields").replaceChildren(...fields.map((f) => f.wrap));
  showFormError(document.getElementById("item-form-error"), "");
  itemDialog.showModal();
  fields[0].input.focus();
}

itemForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { kind, item } = editingItem;
  const body = readCatalogueForm(itemForm);
  for (const [key, value] of Object.entries(body)) if ((item[key] ?? "") === value) delete body[key];
  if (!Object.keys(body).length) {
    itemDialog.close();
    return;
  }
  const response = await own(null, () => api("PATCH", `${API}/admin/${kind}/${item.id}`, body));
  if (!response.ok) {
    const unplaced = showFieldErrors(itemForm, response.body.error.fields);
    const lead = response.status === 422 ? "Please correct the fields marked below; nothing was saved." : errorText(response.body);
    showFormError(document.getElementById("item-form-error"), [lead, ...Object.values(unplaced)].join(" "));
    return;
  }
  itemDialog.close();
  say(`Saved “${response.body.name}”.`, "success");
  await loadAll();
});

function confirmDeleteItem(kind, item) {
  const singular = root.querySelector(`[data-catalogue="${kind}"]`).dataset.singular;
  confirmThen(
    item.sessions ? `The ${singular} “${item.name}” is in use` : `Delete the ${singular} “${item.name}”?`,
    item.sessions
      ? `${item.sessions} session${item.sessions === 1 ? "" : "s"} still use${item.sessions === 1 ? "s" : ""} it. Give ${item.sessions === 1 ? "it" : "them"} another ${singular} first; then it can be deleted.`
      : `No session uses it. The history keeps a copy.`,
    item.sessions ? null : `Delete ${singular}`,
    async () => {
      const response = await api("DELETE", `${API}/admin/${kind}/${item.id}`);
      if (!response.ok) return errorText(response.body);
      await loadCatalogue(kind);
      say(`Deleted “${item.name}”.`, "success");
      return null;
    },
  );
}

// ---------------------------------------------------------------- import

const importForm = document.getElementById("import-form");
const importResult = document.getElementById("import-result");
let importText = null;

function previewList(title, items, describe) {
  if (!items.length) return null;
  return el(
    "section",
    { class: "preview-group" },
    el("h3", { class: "preview-group__title" }, `${title} (${items.length})`),
    el("ul", { class: "preview-list" }, items.map((item) => el("li", {}, describe(item)))),
  );
}

function when(item) {
  return `${longDay(item.start.slice(0, 10))}, ${item.start.slice(11, 16)}–${item.end.slice(11, 16)}`;
}

importForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = document.getElementById("schedule-file").files[0];
  clearFieldErrors(importForm);
  if (!file) {
    showFieldErrors(importForm, { file: "Choose a schedule file first" });
    return;
  }
  if (file.size > 5 * 1024 * 1024) {
    showFieldErrors(importForm, { file: "The file is over 5 MiB" });
    return;
  }
  importText = await file.text();
  importResult.replaceChildren(el("p", { class: "muted" }, "Checking the file…"));
  const response = await api("PUT", `${API}/schedule.yaml?dry_run=true&details=true`, importText, { raw: true });
  if (!response.ok) {
    const problems = response.body.error.problems ?? [];
    importResult.replaceChildren(
      el(
        "div",
        { class: "notice notice--warning" },
        el("p", {}, el("strong", {}, `Nothing was changed. ${errorText(response.body)}`)),
        problems.length
          ? el("ul", { class: "problem-list" }, problems.map((p) => el("li", {}, el("span", { class: "problem-list__line" }, `Line ${p.line}`), ` ${p.message}`)))
          : null,
      ),
    );
    return;
  }
  const body = response.body;
  const preview = body.preview;
  const nothing = !body.added.length && !body.changed.length && !body.removed.length;
  importResult.replaceChildren(
    el(
      "div",
      { class: "import-preview" },
      el(
        "p",
        { class: "import-preview__summary" },
        nothing
          ? "This file matches the programme: importing it would change nothing."
          : `Importing would add ${body.added.length}, change ${body.changed.length} and remove ${body.removed.length} session(s); ${body.unchanged} stay as they are.`,
      ),
      previewList("Added", preview.added, (s) => [el("strong", {}, s.title), ` — ${when(s)}`]),
      previewList("Changed", preview.changed, (s) => [el("strong", {}, s.title), ` — ${s.fields.map((f) => FIELD_LABELS[f] ?? f).join(", ")}`]),
      previewList("Removed", preview.removed, (s) => [el("strong", {}, s.title), ` — ${when(s)}; people who bookmarked it are told`]),
      nothing
        ? null
        : el(
            "div",
            { class: "button-row" },
            el("button", { type: "button", class: "button button--accent", onclick: applyImport }, "Apply this import"),
            el("button", { type: "button", class: "button button--light", onclick: () => importResult.replaceChildren() }, "Cancel"),
          ),
    ),
  );
});

async function applyImport() {
  const response = await own(null, () => api("PUT", `${API}/schedule.yaml`, importText, { raw: true }));
  if (!response.ok) {
    importResult.replaceChildren(el("p", { class: "notice notice--warning" }, `Nothing was changed. ${errorText(response.body)}`));
    return;
  }
  const b = response.body;
  importResult.replaceChildren(
    el("p", { class: "notice notice--success" }, `Imported: ${b.added.length} added, ${b.changed.length} changed, ${b.removed.length} removed.`),
  );
  say("The schedule file was imported.", "success");
  await loadAll();
}

// ---------------------------------------------------------------- history

const historyList = document.getElementById("history-list");
const historyMore = document.getElementById("history-more");
const historySelect = document.getElementById("history-session");

function fillHistorySelect() {
  const chosen = historySelect.value;
  const sessions = [...state.sessions.values()].sort((a, b) => a.conference_start.localeCompare(b.conference_start));
  historySelect.replaceChildren(
    el("option", { value: "" }, "All changes"),
    ...sessions.map((s) => el("option", { value: String(s.id), selected: String(s.id) === chosen }, `${s.conference_start.slice(5, 10)} ${s.conference_start.slice(11, 16)} · ${s.title}`)),
  );
  if (chosen && !historySelect.value) {
    historySelect.append(el("option", { value: chosen, selected: true }, `Session ${chosen} (deleted)`));
  }
}

function diffTable(entry) {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const skip = new Set(["id", "version", "conference_start", "conference_end", "stage_key", "key"]);
  let names = Object.keys({ ...before, ...after }).filter((k) => !skip.has(k));
  if (entry.action === "updated") names = names.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const show = (name, value) => {
    if (value === undefined) return "—";
    if (name === "speakers" && Array.isArray(value)) return value.map((p) => p.name).join(", ") || "—";
    if ((name === "start" || name === "end") && typeof value === "string") return `${value.slice(0, 10)} ${value.slice(11, 16)}`;
    return describeValue(name, value);
  };
  return el(
    "table",
    { class: "data-table history-diff" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Field"), el("th", { scope: "col" }, "Before"), el("th", { scope: "col" }, "After"))),
    el(
      "tbody",
      {},
      names.map((name) =>
        el("tr", {}, el("th", { scope: "row" }, FIELD_LABELS[name] ?? name), el("td", {}, show(name, before[name])), el("td", {}, show(name, after[name]))),
      ),
    ),
  );
}

function historyItem(entry) {
  return el(
    "li",
    { class: `history-item history-item--${entry.action}` },
    el(
      "div",
      { class: "history-item__head" },
      el("span", { class: `history-badge history-badge--${entry.action}` }, entry.action),
      el("span", { class: "history-item__summary" }, el("strong", {}, entry.user.name || "Someone"), ` ${entry.summary}`),
      entry.source === "import" ? el("span", { class: "chip" }, "schedule import") : null,
      el("time", { class: "history-item__time", datetime: entry.at }, formatStamp(entry.at)),
    ),
    el("details", { class: "history-item__details" }, el("summary", {}, "Before and after"), diffTable(entry)),
  );
}

async function loadHistory(reset) {
  if (reset) state.historyPage = 1;
  const params = new URLSearchParams({ page: String(state.historyPage), per_page: "30" });
  if (historySelect.value) params.set("session_id", historySelect.value);
  const response = await api("GET", `${API}/admin/history?${params}`);
  if (!response.ok) return;
  const items = response.body.items.map(historyItem);
  if (reset) historyList.replaceChildren(...items);
  else historyList.append(...items);
  if (reset && !items.length) historyList.replaceChildren(el("li", { class: "muted" }, "No changes recorded yet."));
  historyMore.hidden = response.body.page >= response.body.pages;
}

historySelect.addEventListener("change", () => loadHistory(true));
historyMore.addEventListener("click", () => {
  state.historyPage += 1;
  loadHistory(false);
});

function showHistoryFor(sessionId) {
  fillHistorySelect();
  historySelect.value = String(sessionId);
  selectTab(document.getElementById("tab-history"), true);
}

// ---------------------------------------------------------------- live updates from other organisers

let reloadTimer = null;
const pendingNotices = [];

function onAgendaUpdated(event) {
  const update = event.detail;
  const saved = state.ownVersions.get(update.session_id);
  const mine =
    state.importing > 0 ||
    (state.inFlight.get(update.session_id) ?? 0) > 0 ||
    (update.action === "created" && (state.inFlight.get(-1) ?? 0) > 0) ||
    (saved !== undefined && (update.removed ? saved === -1 : update.session?.version === saved));
  if (!mine) {
    const title = update.session?.title ?? state.sessions.get(update.session_id)?.title ?? "a session";
    pendingNotices.push(update.removed ? `“${title}” was deleted by someone else.` : `“${title}” was just changed by someone else.`);
    if (sessionDialog.open && editing.session?.id === update.session_id) {
      staleBox.hidden = false;
      staleBox.textContent = update.removed
        ? "This session was just deleted by someone else."
        : "This session was just changed by someone else. If you save, you will see both versions and choose.";
    }
  }
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(async () => {
    await loadAll();
    if (pendingNotices.length) say(pendingNotices.splice(0).join(" "));
    if (!document.getElementById("panel-history").hidden) loadHistory(true);
  }, 300);
}

// ---------------------------------------------------------------- start

document.addEventListener("click", (event) => {
  for (const menu of root.querySelectorAll("details.menu[open]")) if (!menu.contains(event.target)) menu.open = false;
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of root.querySelectorAll("details.menu[open]")) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

document.getElementById("new-session").addEventListener("click", () => {
  if (state.conference) openSessionDialog("create", null);
});
renderCatalogueForms();
loadAll();
const live = LiveConnection.shared();
live.addEventListener("agenda.updated", onAgendaUpdated);
live.start();
