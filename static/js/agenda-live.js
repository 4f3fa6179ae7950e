// The programme and session pages follow the organisers' edits without a reload: on `agenda.updated`
// the page re-reads itself and swaps in the changed session's time, title and stage (rendered by the
// server in the viewer's time zone), then says what changed in a polite status message.
// Visitors who are not signed in (no websocket) check the programme once a minute instead.

import { LiveConnection, t } from "./live.js";

const POLL_MS = 60_000;
const programme = document.getElementById("programme");
const onSession = /^\/sessions\/(\d+)/.exec(location.pathname);
const shownSession = onSession ? Number(onSession[1]) : null;
const pending = new Map();
let timer = null;
let versions = null;
let polling = null;

function statusRegion() {
  let region = document.getElementById("agenda-live-status");
  if (!region) {
    region = document.createElement("div");
    region.id = "agenda-live-status";
    region.className = "agenda-live-status";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  return region;
}

function tell(text) {
  const region = statusRegion();
  region.textContent = "";
  region.classList.remove("is-shown");
  requestAnimationFrame(() => {
    region.textContent = text;
    region.classList.add("is-shown");
  });
  clearTimeout(region.hideTimer);
  region.hideTimer = setTimeout(() => region.classList.remove("is-shown"), 12_000);
}

function squash(text) {
  return text.replace(/\s+/g, " ").trim();
}

function schedule(update) {
  if (shownSession !== null && update.session_id !== shownSession) return;
  pending.set(update.session_id, update);
  clearTimeout(timer);
  // A little jitter: every open tab re-reads its page, and they should not all ask in the same instant.
  timer = setTimeout(apply, 200 + Math.random() * 800);
}

async function apply() {
  const updates = [...pending.values()];
  pending.clear();
  if (!updates.length) return;
  let response;
  try {
    response = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
  } catch {
    return;
  }
  if (shownSession !== null && response.status === 404) {
    markCancelled();
    return;
  }
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const messages = programme ? patchProgramme(fresh, updates) : patchSession(fresh);
  if (messages.length) tell(messages.join(" "));
}

function markChanged(node) {
  node.classList.remove("is-live-updated");
  void node.offsetWidth; // restart the highlight
  node.classList.add("is-live-updated");
}

function cardSummary(card) {
  const title = squash(card.querySelector(".session-card__title")?.textContent ?? "");
  const time = squash(card.querySelector(".when__local")?.textContent ?? "");
  const stage = squash(card.querySelector(".session-card__stage")?.textContent ?? "");
  const day = card.closest("[data-day]")?.querySelector(".day-panel__title")?.textContent ?? "";
  return { title, text: [squash(day), time, stage].filter(Boolean).join(", ") };
}

function place(card, freshCard) {
  const day = freshCard.closest("[data-day]")?.dataset.day;
  const list = day ? programme.querySelector(`[data-day="${CSS.escape(day)}"] .session-list`) : null;
  if (!list) return false;
  let next = freshCard.nextElementSibling;
  while (next && !document.getElementById(next.id)) next = next.nextElementSibling;
  const anchor = next ? document.getElementById(next.id) : null;
  if (anchor && anchor.parentElement === list) list.insertBefore(card, anchor);
  else list.append(card);
  return true;
}

function patchProgramme(fresh, updates) {
  const messages = [];
  for (const update of updates) {
    const id = `session-${update.session_id}`;
    const card = document.getElementById(id);
    const freshCard = fresh.getElementById(id);
    if (!freshCard) {
      if (card) {
        const { title } = cardSummary(card);
        card.remove();
        messages.push(t("“{title}” was cancelled.", { title }));
      }
      continue;
    }
    if (card) {
      for (const part of [".session-card__time", ".session-card__body"]) {
        const old = card.querySelector(part);
        const replacement = freshCard.querySelector(part);
        if (old && replacement) old.replaceWith(document.importNode(replacement, true));
      }
      for (const name of ["class", "data-start", "data-end", "data-kind", "data-themes"]) {
        const value = freshCard.getAttribute(name);
        if (value !== null) card.setAttribute(name, value);
      }
      card.hidden = freshCard.hidden;
      if (!place(card, freshCard)) continue;
      markChanged(card);
      const { title, text } = cardSummary(card);
      messages.push(t("Programme updated: “{title}” is now {text}.", { title, text }));
    } else {
      const added = document.importNode(freshCard, true);
      if (!place(added, freshCard)) continue;
      markChanged(added);
      const { title, text } = cardSummary(added);
      messages.push(t("New in the programme: “{title}”, {text}.", { title, text }));
    }
  }
  for (const panel of programme.querySelectorAll("[data-day]")) {
    const empty = panel.querySelector(".js-empty");
    if (empty) empty.hidden = [...panel.querySelectorAll(".session-card")].some((c) => !c.hidden);
  }
  return messages;
}

function patchSession(fresh) {
  const parts = [".session-head__title", ".session-head__meta", ".session-facts"];
  let changed = false;
  for (const selector of parts) {
    const old = document.querySelector(selector);
    const replacement = fresh.querySelector(selector);
    if (old && replacement && old.textContent !== replacement.textContent) {
      old.replaceWith(document.importNode(replacement, true));
      changed = true;
    }
  }
  if (!changed) return [];
  document.title = fresh.title;
  const head = document.querySelector(".page-head--session") ?? document.querySelector(".session-head__title");
  if (head) markChanged(head);
  const title = squash(document.querySelector(".session-head__title")?.textContent ?? "");
  // "When: …; Where: …" from the facts list (the other facts rarely change and make the message long).
  // Rows are picked by data-fact, not by their (translated) names.
  const facts = [...document.querySelectorAll(".session-facts > [data-fact='when'], .session-facts > [data-fact='where']")]
    .map((row) => [squash(row.querySelector("dt")?.textContent ?? ""), squash(row.querySelector("dd")?.textContent ?? "")])
    .map(([name, value]) => `${name}: ${value}`);
  return [t("This session was just updated: “{title}”. {facts}.", { title, facts: facts.join("; ") })];
}

function markCancelled() {
  const title = document.querySelector(".session-head__title");
  if (title && !document.querySelector(".session-cancelled")) {
    const note = document.createElement("p");
    note.className = "notice notice--warning session-cancelled";
    note.textContent = t("This session has been cancelled by the organisers.");
    title.after(note);
  }
  tell(t("This session has been cancelled by the organisers."));
}

// ---------------------------------------------------------------- visitors without a websocket

async function poll() {
  try {
    const response = await fetch("/api/v1/programme", { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    const now = new Map();
    for (const day of body.days) for (const s of day.sessions) now.set(s.id, s.version);
    if (versions) {
      for (const [id, version] of now) if (versions.get(id) !== version) schedule({ session_id: id });
      for (const id of versions.keys()) if (!now.has(id)) schedule({ session_id: id, removed: true });
    }
    versions = now;
  } catch {
    // offline: try again at the next tick
  }
}

function startPolling() {
  if (polling) return;
  poll();
  polling = setInterval(poll, POLL_MS);
}

if (programme || shownSession !== null) {
  if (document.querySelector('meta[name="csrf-token"]')?.content) {
    const live = LiveConnection.shared();
    live.addEventListener("agenda.updated", (event) => schedule(event.detail));
    live.addEventListener("status", (event) => {
      if (event.detail.state === "unauthorized") startPolling();
    });
    live.start();
  } else {
    startPolling();
  }
}
