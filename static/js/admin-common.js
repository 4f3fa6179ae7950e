// Shared by the organiser pages: a CSRF-aware JSON client, a DOM builder, field errors, time helpers.
// User text only ever reaches the page through textContent or attribute values.

import { el, uniqueId } from "./dom.js";

export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

/** Calls the JSON API; resolves to {ok, status, body} and never throws on an HTTP error. */
export async function api(method, url, body, { raw = false } = {}) {
  const headers = { Accept: "application/json" };
  const token = csrfToken();
  if (token && method !== "GET") headers["X-CSRF-Token"] = token;
  const options = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    if (raw) {
      headers["Content-Type"] = "application/yaml";
      options.body = body;
    } else {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch {
    return { ok: false, status: 0, body: problem("network", "We could not reach the server. Check your connection and try again.") };
  }
  let data = null;
  if (response.status !== 204) {
    try {
      data = await response.json();
    } catch {
      data = null;
    }
  }
  if (!response.ok && !data?.error) data = problem("http", `Something went wrong (${response.status}). Please try again.`);
  return { ok: response.ok, status: response.status, body: data };
}

function problem(code, message) {
  return { error: { code, message, fields: {} } };
}

export { el, uniqueId };

/**
 * A labelled field with an error slot: {wrap, input, error}. `control` is an element or a tag name.
 * `name` is the API field the error belongs to.
 */
export function field(name, label, control, { hint = "", required = false, wide = false } = {}) {
  const input = typeof control === "string" ? el(control) : control;
  const id = input.id || uniqueId(`f-${name.replace(/[^a-z0-9]/gi, "-")}`);
  input.id = id;
  if (!input.name) input.name = name;
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  if (required) input.required = true;
  const wrap = el(
    "div",
    { class: `field${wide ? " field--wide" : ""}`, dataset: { field: name } },
    el("label", { for: id }, label, required ? el("span", { class: "field__required" }, " (required)") : null),
    input,
    hint ? el("p", { class: "field__hint", id: hintId }, hint) : null,
    el("p", { class: "field__error", id: errorId, hidden: true }),
  );
  return { wrap, input, error: wrap.querySelector(".field__error") };
}

/** Shows `fields` (the API's error.fields) beside the matching fields in `form`; returns the unplaced ones. */
export function showFieldErrors(form, fields = {}) {
  clearFieldErrors(form);
  const unplaced = {};
  let first = null;
  for (const [name, message] of Object.entries(fields)) {
    const wrap = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!wrap) {
      unplaced[name] = message;
      continue;
    }
    const error = wrap.querySelector(".field__error");
    error.textContent = message;
    error.hidden = false;
    wrap.classList.add("has-error");
    for (const input of wrap.querySelectorAll("input, select, textarea")) input.setAttribute("aria-invalid", "true");
    first ??= wrap.querySelector("input, select, textarea");
  }
  first?.focus();
  return unplaced;
}

export function clearFieldErrors(form) {
  for (const wrap of form.querySelectorAll(".has-error")) wrap.classList.remove("has-error");
  for (const error of form.querySelectorAll(".field__error")) {
    error.textContent = "";
    error.hidden = true;
  }
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute("aria-invalid");
}

/** "+02:00": the UTC offset of `zone` at the instant `date` (a Date). */
export function zoneOffset(zone, date) {
  const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(date)
    .find((p) => p.type === "timeZoneName");
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(part?.value ?? "");
  return match ? `${match[1]}:${match[2] ?? "00"}` : "+00:00";
}

/** ISO 8601 with the zone's offset for a wall-clock date ("2021-09-13") and time ("14:00") in `zone`. */
export function zonedIso(day, time, zone) {
  const naive = new Date(`${day}T${time}:00Z`);
  let offset = zoneOffset(zone, naive);
  // Re-check at the instant the first guess gives (a DST change between the two would move it).
  const instant = new Date(`${day}T${time}:00${offset}`);
  offset = zoneOffset(zone, instant);
  return `${day}T${time}:00${offset}`;
}

/** The wall-clock date and time of an ISO instant as written (its own offset): ["2021-09-13", "14:00"]. */
export function wallClock(iso) {
  return [iso.slice(0, 10), iso.slice(11, 16)];
}

export function minutesBetween(startIso, endIso) {
  return Math.round((new Date(endIso) - new Date(startIso)) / 60000);
}

export function addMinutes(time, minutes) {
  const [h, m] = time.split(":").map(Number);
  const total = Math.max(0, Math.min(24 * 60 - 1, h * 60 + m + minutes));
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}

const dayFormat = new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
export function longDay(day) {
  return dayFormat.format(new Date(`${day}T12:00:00Z`));
}

const stampFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });
export function formatStamp(iso) {
  return stampFormat.format(new Date(iso));
}

/** A polite message in the page's status region (role="status"). */
export function announce(region, text, tone = "info") {
  region.hidden = false;
  region.dataset.tone = tone;
  region.textContent = "";
  // A fresh text node after clearing makes screen readers read the same message twice in a row.
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}
