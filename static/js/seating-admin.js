// The organisers' seating page of a roundtable session: first come or ranked (with a deadline, typed in
// conference time), "Seat everyone now", and who sits where with the rank of their choice and who could
// not be seated, redrawn from the API's seating view. User text reaches the page only through textContent.

import { clearFieldErrors, showFieldErrors, zonedIso } from "./admin-common.js";
import { api } from "./api-client.js";
import { LiveConnection, el, t, tn } from "./live.js";

const root = document.querySelector("[data-seating-admin]");
const sessionId = Number(root.dataset.sessionId);
const zone = root.dataset.timezone;
const base = `/api/v1/sessions/${sessionId}/seating`;
const form = root.querySelector("[data-seating-form]");
const runButton = root.querySelector("[data-seating-run]");
const notice = root.querySelector("[data-seating-notice]");
const part = (name) => root.querySelector(`[data-seating-${name}]`);
// Hosts and language names as the page first drew them (the seating view has neither).
const tableFacts = new Map(
  [...part("tables").querySelectorAll(".seating-table")].map((item) => [
    Number(item.dataset.tableId),
    { host: item.dataset.host || "", language: item.dataset.language || "" },
  ]),
);

const RANKS = () => ({ 1: t("1st choice"), 2: t("2nd choice"), 3: t("3rd choice") });
// Written as the server writes times ("Wednesday 15 September 2021, 13:42 CEST"): a 24-hour clock, and the
// zone's abbreviation as British English names it.
const lang = document.documentElement.lang === "en" ? "en-GB" : document.documentElement.lang || "en-GB";
const dayFormat = new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: zone });
const timeFormat = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
const zoneFormat = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "short" });

function stamp(iso) {
  const date = new Date(iso);
  const abbr = zoneFormat.formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? zone;
  return `${dayFormat.format(date)}, ${timeFormat.format(date)} ${abbr}`;
}

function say(text, tone = "info") {
  notice.hidden = false;
  notice.dataset.tone = tone;
  notice.textContent = "";
  // A fresh text node after clearing makes screen readers read the same message twice in a row.
  requestAnimationFrame(() => {
    notice.textContent = text;
  });
}

function person(p, extra) {
  return el(
    "li",
    {},
    el("span", { class: "seating-table__name", text: p.name }),
    p.organisation ? [" ", el("span", { class: "muted", text: p.organisation })] : "",
    extra ? [" ", extra] : "",
  );
}

function tableItem(table) {
  const facts = tableFacts.get(table.id) ?? { host: "", language: table.language };
  const meta = [
    facts.host ? t("Hosted by {host}", { host: facts.host }) : "",
    t("in {language}", { language: facts.language || table.language }),
    t("{taken} of {seats} seats taken", { taken: table.seated.length, seats: table.seats }),
  ].filter(Boolean);
  const ranks = RANKS();
  return el(
    "li",
    // The same data as the server-drawn item, so that a redraw can be redrawn again.
    { class: "seating-table", dataset: { tableId: table.id, host: facts.host, language: facts.language || table.language } },
    el("h3", { class: "seating-table__topic", text: table.topic }),
    el("p", { class: "seating-table__meta", text: meta.join(" · ") }),
    table.seated.length
      ? el(
          "ul",
          { class: "seating-table__people" },
          table.seated.map((p) =>
            person(p, el("span", { class: `rank-chip rank-chip--${p.rank ?? 0}`, text: ranks[p.rank] ?? t("not among their choices") })),
          ),
        )
      : el("p", { class: "muted", text: t("Nobody sits here yet.") }),
  );
}

/** Redraws everything that depends on the seating view (the answer of every call here). */
function render(view) {
  const ran = Boolean(view.ran_at);
  const ranked = view.seating_mode === "ranked";
  root.dataset.mode = view.seating_mode;
  root.dataset.ran = String(ran);
  part("count").textContent = tn("{n} person has ranked tables.", "{n} people have ranked tables.", view.preferences);
  part("run-hint").textContent = ran
    ? t("Seated on {when}.", { when: stamp(view.ran_at) })
    : ranked
      ? t("Everyone who ranked gets a seat now, as close to their choices as seats and languages allow. Ranking then closes and free seats become first come. This cannot be undone.")
      : t("Switch the session to ranked seating first.");
  runButton.disabled = ran || !ranked;
  runButton.hidden = ran;
  if (ran) {
    for (const control of form.querySelectorAll("fieldset, input")) control.disabled = true;
    form.querySelector("[type=submit]")?.replaceWith(el("p", { class: "muted", text: t("The tables have been seated: the seating mode is final.") }));
  }
  part("result-title").textContent = ran ? t("Who sits where") : t("Seats so far");
  part("result-lead").textContent = ran
    ? t("Each person's rank of the table they got is shown beside their name.")
    : t("Nobody has been seated by ranking yet: these are the seats taken first come.");
  part("tables").replaceChildren(...view.tables.map(tableItem));
  const unseated = part("unseated");
  unseated.hidden = !ran;
  unseated.replaceChildren(
    el("h3", { text: t("Could not be seated") }),
    view.unseated.length
      ? el("ul", { class: "seating-unseated__people" }, view.unseated.map((p) => person(p)))
      : el("p", { text: t("Everyone who ranked has a seat.") }),
  );
}

function explain(error) {
  if (error.status === 409) return t("Not changed: {reason}", { reason: error.message });
  if (error.status === 422) return t("Please correct the marked field: {reason}", { reason: Object.values(error.fields)[0] ?? error.message });
  return error.message;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors(form);
  const mode = form.querySelector("input[name=mode]:checked")?.value ?? "first_come";
  const deadline = form.elements.ranking_deadline.value;
  const body = { mode };
  if (mode === "ranked" && deadline) body.ranking_deadline = zonedIso(deadline.slice(0, 10), deadline.slice(11, 16), zone);
  const button = event.submitter;
  button?.setAttribute("aria-busy", "true");
  try {
    render(await api("PUT", base, body));
    say(mode === "ranked" ? t("Saved: attendees can now rank the tables.") : t("Saved: attendees take free seats first come."), "success");
  } catch (error) {
    showFieldErrors(form, error.fields ?? {});
    say(explain(error), "error");
    if (error.status === 409) refresh();
  } finally {
    button?.removeAttribute("aria-busy");
  }
});

runButton.addEventListener("click", async () => {
  runButton.setAttribute("aria-busy", "true");
  try {
    const view = await api("POST", `${base}/run`);
    render(view);
    announceRun(view);
    part("result-title").focus();
  } catch (error) {
    say(explain(error), "error");
    if (error.status === 409) refresh();
  } finally {
    runButton.removeAttribute("aria-busy");
  }
});

async function refresh() {
  try {
    render(await api("GET", base));
  } catch {
    // The notice already says what went wrong; the page keeps what it shows.
  }
}

function announceRun(view) {
  say(
    tn("Seating done: {n} person could not be seated.", "Seating done: {n} people could not be seated.", view.unseated.length),
    view.unseated.length ? "info" : "success",
  );
}

// Seats change while the page is open: first-come seats, the automatic run at the deadline, a run by
// another organiser. The session's room says so with `tables.updated`; the page redraws from the API.
async function follow() {
  const ranBefore = runButton.hidden;
  try {
    const view = await api("GET", base);
    render(view);
    if (!ranBefore && view.ran_at) announceRun(view);
  } catch {
    // A missed update is caught up by the next one, or by a reload.
  }
}

LiveConnection.shared().subscribe(`session:${sessionId}`, (frame) => {
  if (frame.type === "tables.updated") follow();
});
