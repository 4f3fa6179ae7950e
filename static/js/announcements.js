// Every page: organisers' announcements (and one's own notifications) as banners in #announcements.
// Recent ones show on load; new ones arrive over the tab's one websocket. Dismissed ones stay dismissed.
// User text only ever reaches the page through textContent.

import { LiveConnection, t } from "./live.js";

const RECENT_MS = 3 * 60 * 60 * 1000;
const DISMISSED_KEY = "announcements.dismissed";
const MAX_REMEMBERED = 200;
const region = document.getElementById("announcements");

function dismissed() {
  try {
    return new Set(JSON.parse(localStorage.getItem(DISMISSED_KEY) || "[]"));
  } catch {
    return new Set();
  }
}

function remember(key) {
  const keys = [...dismissed(), key].slice(-MAX_REMEMBERED);
  try {
    localStorage.setItem(DISMISSED_KEY, JSON.stringify(keys));
  } catch {
    // storage may be disabled: the banner just comes back on the next page
  }
}

function banner(key, kind, label, text, link) {
  if (!region || dismissed().has(key) || region.querySelector(`[data-key="${CSS.escape(key)}"]`)) return;
  const item = document.createElement("div");
  item.className = `announcement announcement--${kind}`;
  item.dataset.key = key;
  const body = document.createElement("p");
  body.className = "announcement__body";
  const strong = document.createElement("strong");
  strong.textContent = t("{label}: ", { label });
  body.append(strong, text);
  if (link) {
    const a = document.createElement("a");
    a.href = link.href;
    a.textContent = link.text;
    body.append(" ", a);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "announcement__dismiss";
  close.setAttribute("aria-label", t("Dismiss: {text}", { text: text.slice(0, 60) }));
  close.textContent = "×";
  close.addEventListener("click", () => {
    remember(key);
    item.remove();
  });
  item.append(body, close);
  region.prepend(item);
}

function showAnnouncement(a) {
  banner(`a${a.id}`, "organisers", t("Announcement"), a.body, a.session_id ? { href: `/sessions/${a.session_id}`, text: a.session_title ?? t("Open the session") } : null);
}

function showNotification(n) {
  const link = n.cancelled ? { href: "/agenda", text: t("My agenda") } : { href: `/sessions/${n.session_id}`, text: t("See the session") };
  banner(`n${n.id}`, "personal", t("Your agenda"), n.message ?? t("A session you bookmarked changed."), n.session_id ? link : null);
}

async function showRecent() {
  const onSession = /^\/sessions\/(\d+)/.exec(location.pathname);
  const url = `/api/v1/announcements?limit=5${onSession ? `&session_id=${onSession[1]}` : ""}`;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const { items } = await response.json();
    const since = Date.now() - RECENT_MS;
    for (const a of items.reverse()) if (Date.parse(a.ts) >= since) showAnnouncement(a);
  } catch {
    // offline: the live connection brings new ones when it is back
  }
}

if (region) {
  showRecent();
  if (document.querySelector('meta[name="csrf-token"]')?.content) {
    const live = LiveConnection.shared();
    live.addEventListener("announcement", (event) => showAnnouncement(event.detail));
    live.addEventListener("notification", (event) => showNotification(event.detail));
    live.start();
  }
}
