// The organisers' people page: search, role changes and (de)activation, each applied at once.
// User text only ever reaches the page through textContent or attribute values.

import { announce, api, el, formatStamp } from "./admin-common.js";

const root = document.getElementById("people");
const form = document.getElementById("people-search");
const notice = document.getElementById("people-notice");
const me = Number(root.dataset.me);
const roles = root.dataset.roles.split(" ");
const query = { q: "", role: "", page: 1 };

function capital(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

async function changeUser(user, body, control) {
  control.disabled = true;
  const response = await api("PATCH", `/api/v1/users/${user.id}`, body);
  control.disabled = false;
  if (!response.ok) {
    announce(notice, `${user.name}: ${response.body.error.message}`, "error");
    await search();
    return;
  }
  const updated = response.body;
  if ("role" in body) announce(notice, `${updated.name} is now ${updated.role === "attendee" ? "an" : "a"} ${updated.role}.`, "success");
  else announce(notice, updated.active ? `${updated.name} can sign in again.` : `${updated.name} is deactivated and signed out everywhere.`, "success");
  await search();
}

function row(user) {
  const self = user.id === me;
  const roleSelect = el(
    "select",
    { "aria-label": `Role of ${user.name}`, disabled: self },
    roles.map((role) => el("option", { value: role, selected: role === user.role }, capital(role))),
  );
  roleSelect.addEventListener("change", () => changeUser(user, { role: roleSelect.value }, roleSelect));
  const toggle = el(
    "button",
    { type: "button", class: `button button--small ${user.active ? "button--danger-light" : "button--light"}`, disabled: self },
    user.active ? "Deactivate" : "Reactivate",
    el("span", { class: "visually-hidden" }, ` ${user.name}`),
  );
  toggle.addEventListener("click", () => changeUser(user, { active: !user.active }, toggle));
  return el(
    "tr",
    { class: user.active ? "" : "is-inactive" },
    el("td", {}, user.name, self ? el("span", { class: "muted" }, " (you)") : null),
    el("td", {}, user.email),
    el("td", {}, user.organisation || "—"),
    el("td", {}, user.country || "—"),
    el("td", {}, el("time", { datetime: user.created_at }, formatStamp(user.created_at))),
    el("td", {}, roleSelect),
    el("td", {}, user.active ? null : el("span", { class: "status status--changed" }, "Deactivated"), " ", toggle),
  );
}

async function search() {
  const params = new URLSearchParams({ page: String(query.page) });
  if (query.q) params.set("q", query.q);
  if (query.role) params.set("role", query.role);
  const response = await api("GET", `/api/v1/admin/users?${params}`);
  const body = document.querySelector("#people-table tbody");
  if (!response.ok) {
    announce(notice, response.body.error.message, "error");
    return;
  }
  const result = response.body;
  body.replaceChildren(
    ...(result.items.length
      ? result.items.map(row)
      : [el("tr", { class: "data-table__empty" }, el("td", { colspan: 7 }, "Nobody matches this search."))]),
  );
  document.getElementById("people-count").textContent = `${result.total} ${result.total === 1 ? "person" : "people"}`;
  document.getElementById("people-page").textContent = `Page ${result.page} of ${result.pages}`;
  document.getElementById("people-prev").disabled = result.page <= 1;
  document.getElementById("people-next").disabled = result.page >= result.pages;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  query.q = form.elements.q.value.trim();
  query.role = form.elements.role.value;
  query.page = 1;
  search();
});
document.getElementById("people-prev").addEventListener("click", () => {
  query.page -= 1;
  search();
});
document.getElementById("people-next").addEventListener("click", () => {
  query.page += 1;
  search();
});
search();
