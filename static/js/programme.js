// The programme and My agenda: day tabs, filters, time zone switch, live markers, bookmarks.
"use strict";

(function () {
  const root = document.getElementById("programme");
  if (!root) return;
  const conference = window.conference;
  const zoneSelect = document.getElementById("tz");

  // ---------------------------------------------------------------- time zone

  function hasZone(zone) {
    return Boolean(zone) && Boolean(zoneSelect) && Array.from(zoneSelect.options).some((o) => o.value === zone);
  }

  function reloadIn(zone) {
    conference.rememberTimezone(zone);
    const url = new URL(window.location.href);
    url.searchParams.delete("tz"); // ?tz= outranks the cookie
    window.location.replace(url.toString());
  }

  function adoptTimezone() {
    const url = new URL(window.location.href);
    if (url.searchParams.has("tz")) {
      if (hasZone(url.searchParams.get("tz"))) conference.rememberTimezone(url.searchParams.get("tz"));
      return false;
    }
    const cookie = conference.readCookie("tz");
    if (cookie) {
      conference.rememberTimezone(cookie);
      return false;
    }
    // First visit (or an expired cookie): a remembered choice, else the browser's zone for visitors
    // who are not signed in (signed-in people default to the zone of their profile).
    const signedIn = Boolean(conference.csrfToken());
    const wanted = conference.storedTimezone() || (signedIn ? "" : conference.browserTimezone());
    if (!hasZone(wanted) || wanted === root.dataset.tz) return false;
    if (sessionStorage.getItem("tz-adopted") === wanted) return false; // cookies refused: do not loop
    sessionStorage.setItem("tz-adopted", wanted);
    reloadIn(wanted);
    return true;
  }

  if (zoneSelect && adoptTimezone()) return;

  if (zoneSelect) {
    zoneSelect.addEventListener("change", function () {
      if (zoneSelect.value) reloadIn(zoneSelect.value);
    });
  }

  // ---------------------------------------------------------------- day tabs

  const tablist = root.querySelector('[role="tablist"]');
  const tabs = tablist ? Array.from(tablist.querySelectorAll('[role="tab"]')) : [];

  function panelOf(tab) {
    return document.getElementById(tab.getAttribute("aria-controls"));
  }

  function selectTab(tab, { focus = false, remember = true } = {}) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      panelOf(other).hidden = !selected;
    }
    if (focus) tab.focus();
    if (remember) {
      const url = new URL(window.location.href);
      url.searchParams.set("day", tab.dataset.day);
      url.hash = "";
      history.replaceState(null, "", url.toString());
    }
  }

  if (tabs.length) {
    for (const tab of tabs) {
      const panel = panelOf(tab);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", tab.id);
      panel.tabIndex = 0;
      panel.querySelector(".day-panel__title").classList.add("visually-hidden");
      tab.addEventListener("click", () => selectTab(tab));
    }
    tablist.addEventListener("keydown", function (event) {
      const index = tabs.indexOf(document.activeElement);
      if (index < 0) return;
      const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
      if (!(event.key in moves)) return;
      event.preventDefault();
      selectTab(tabs[(moves[event.key] + tabs.length) % tabs.length], { focus: true });
    });
    tablist.hidden = false;
    // A link to a session (#session-12) or a day (#day-2021-09-14) opens the right tab.
    const target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
    const targetPanel = target ? target.closest(".day-panel") : null;
    const initial = tabs.find((t) => targetPanel && panelOf(t) === targetPanel) ||
      tabs.find((t) => t.getAttribute("aria-selected") === "true") || tabs[0];
    selectTab(initial, { remember: false });
    if (target) target.scrollIntoView();
  }

  // ---------------------------------------------------------------- filters

  const filters = document.getElementById("programme-filters");
  const kindSelect = document.getElementById("kind");
  const themeSelect = document.getElementById("theme");
  const count = document.getElementById("filter-count");

  function applyFilters() {
    const kind = kindSelect.value;
    const theme = themeSelect.value;
    let shown = 0;
    for (const panel of root.querySelectorAll(".day-panel")) {
      let visible = 0;
      for (const card of panel.querySelectorAll(".session-card")) {
        const match = (!kind || card.dataset.kind === kind) &&
          (!theme || card.dataset.themes.split(" ").includes(theme));
        card.hidden = !match;
        if (match) visible += 1;
        if (match && card.dataset.kind !== "break") shown += 1;
      }
      const empty = panel.querySelector(".js-empty");
      if (empty) empty.hidden = visible > 0;
    }
    count.textContent = kind || theme ? conference.tn("{n} session matches", "{n} sessions match", shown) : "";
    const url = new URL(window.location.href);
    for (const [name, value] of [["kind", kind], ["theme", theme]]) {
      if (value) url.searchParams.set(name, value);
      else url.searchParams.delete(name);
    }
    history.replaceState(null, "", url.toString());
  }

  if (filters && kindSelect && themeSelect) {
    kindSelect.addEventListener("change", applyFilters);
    themeSelect.addEventListener("change", applyFilters);
    filters.addEventListener("submit", function (event) {
      event.preventDefault();
      applyFilters();
    });
  }

  // ---------------------------------------------------------------- live now / up next

  function badge(text, className) {
    const span = document.createElement("span");
    span.className = "status " + className;
    span.textContent = text;
    return span;
  }

  function markLive() {
    const now = root.dataset.now ? new Date(root.dataset.now) : new Date();
    const cards = Array.from(root.querySelectorAll(".session-card")).filter((c) => c.dataset.kind !== "break");
    let soonest = null;
    for (const card of cards) {
      const start = new Date(card.dataset.start);
      if (start > now && (soonest === null || start < soonest)) soonest = start;
    }
    for (const card of cards) {
      const start = new Date(card.dataset.start);
      const end = new Date(card.dataset.end);
      const live = start <= now && now < end;
      const next = !live && soonest !== null && start.getTime() === soonest.getTime();
      card.classList.toggle("is-live", live);
      card.classList.toggle("is-next", next);
      const slot = card.querySelector(".js-status");
      if (slot) slot.replaceChildren(...(live ? [badge(conference.t("Live now"), "status--live")] : next ? [badge(conference.t("Up next"), "status--next")] : []));
    }
  }

  if (!root.dataset.now) window.setInterval(markLive, 30 * 1000);

  conference.bindBookmarks(root);
})();
