// The announcements page: organisers send one (to everyone online or one session's room); the list shows
// new ones as they arrive. User text only ever reaches the page through textContent.

import { announce, api, clearFieldErrors, el, formatStamp, showFieldErrors } from "./admin-common.js";
import { LiveConnection } from "./live.js";

const list = document.getElementById("announcement-list");
const form = document.getElementById("announce-form");

function item(a) {
  return el(
    "li",
    { class: "announcement-item card is-new", dataset: { id: a.id } },
    el("p", { class: "announcement-item__body" }, a.body),
    el(
      "p",
      { class: "announcement-item__meta" },
      el("time", { datetime: a.ts }, formatStamp(a.ts)),
      a.session_id ? [" · to the audience of ", el("a", { href: `/sessions/${a.session_id}` }, a.session_title ?? `session ${a.session_id}`)] : null,
    ),
  );
}

function show(a) {
  if (list.querySelector(`[data-id="${a.id}"]`)) return;
  list.querySelector(".js-empty")?.remove();
  list.prepend(item(a));
}

if (form) {
  const notice = document.getElementById("announce-notice");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { body: form.elements.body.value };
    if (form.elements.session_id.value) body.session_id = Number(form.elements.session_id.value);
    const response = await api("POST", "/api/v1/announcements", body);
    if (!response.ok) {
      showFieldErrors(form, response.body.error.fields);
      announce(notice, response.body.error.message, "error");
      return;
    }
    show(response.body);
    form.reset();
    announce(notice, response.body.session_id ? "Sent to the people in that session." : "Sent to everyone online.", "success");
  });
}

if (document.querySelector('meta[name="csrf-token"]')?.content) {
  const live = LiveConnection.shared();
  live.addEventListener("announcement", (event) => show(event.detail));
  live.start();
}
