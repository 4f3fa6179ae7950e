// Site-wide behaviour: translations, the CSRF-aware API helper, sign-out, the time zone cookie, bookmarks.
"use strict";

(function () {
  document.documentElement.classList.add("js");

  // ---------------------------------------------------------------- translations
  // The page carries the catalog of the strings scripts use (<script type="application/json" id="i18n">,
  // absent in English); t("Text {name}", {name}) and tn(singular, plural, n, values) read it.
  const locale = document.documentElement.lang || "en";
  const catalog = (function () {
    const element = document.getElementById("i18n");
    try {
      return element ? JSON.parse(element.textContent) : {};
    } catch (error) {
      return {};
    }
  })();
  const CLDR_ORDER = ["zero", "one", "two", "few", "many", "other"];
  let pluralRules = null;
  let pluralCategories = ["one", "other"];
  try {
    pluralRules = new Intl.PluralRules(locale);
    const used = pluralRules.resolvedOptions().pluralCategories;
    pluralCategories = CLDR_ORDER.filter((category) => used.includes(category));
  } catch (error) {
    pluralRules = null;
  }

  function fill(text, values) {
    if (!values) return text;
    return text.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
  }

  function t(message, values) {
    const found = catalog[message];
    return fill(typeof found === "string" && found ? found : message, values);
  }

  function tn(singular, plural, n, values) {
    const all = Object.assign({ n: formatNumber(n) }, values || {});
    const forms = catalog[singular];
    const category = pluralRules ? pluralRules.select(n) : (n === 1 ? "one" : "other");
    if (Array.isArray(forms) && forms.length) {
      // gettext's forms follow CLDR's category order for the languages we ship; clamp for the rest.
      const index = Math.min(Math.max(pluralCategories.indexOf(category), 0), forms.length - 1);
      return fill(forms[index], all);
    }
    return fill(category === "one" ? singular : plural, all);
  }

  function formatNumber(n) {
    try {
      return new Intl.NumberFormat(locale).format(n);
    } catch (error) {
      return String(n);
    }
  }

  // Times of day in the page's language, in a given IANA zone (the viewer's, or the conference's).
  function formatTime(date, timeZone) {
    try {
      return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: timeZone || undefined }).format(date);
    } catch (error) {
      return date.toISOString().slice(11, 16);
    }
  }

  const TZ_COOKIE = "tz";
  const TZ_MAX_AGE_SECS = 365 * 24 * 3600;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // Calls the JSON API; resolves to {ok, status, body} and never throws on an HTTP error status.
  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    const token = csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
    const options = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, body: { error: { code: "network", message: t("We could not reach the server. Check your connection and try again."), fields: {} } } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok && !(data && data.error)) {
      data = { error: { code: "http", message: t("Something went wrong ({status}). Please try again.", { status: response.status }), fields: {} } };
    }
    return { ok: response.ok, status: response.status, body: data };
  }

  function readCookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("=").replace(/^"(.*)"$/, "$1"));
    }
    return "";
  }

  function rememberTimezone(zone) {
    if (!/^[A-Za-z0-9_+\-\/]+$/.test(zone)) return; // IANA names need no escaping in a cookie
    document.cookie = TZ_COOKIE + "=" + zone + "; max-age=" + TZ_MAX_AGE_SECS + "; path=/; samesite=lax";
    try {
      localStorage.setItem(TZ_COOKIE, zone);
    } catch (error) {
      // storage may be disabled; the cookie alone still works
    }
  }

  function storedTimezone() {
    try {
      return localStorage.getItem(TZ_COOKIE) || "";
    } catch (error) {
      return "";
    }
  }

  function browserTimezone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  // A polite live region for short confirmations ("Added to your agenda").
  let statusRegion = null;
  function announce(message) {
    if (!statusRegion) {
      statusRegion = document.createElement("div");
      statusRegion.className = "visually-hidden";
      statusRegion.setAttribute("role", "status");
      document.body.appendChild(statusRegion);
    }
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = message; }, 50);
  }

  function showAlert(message) {
    const area = document.getElementById("announcements");
    if (!area) return;
    const item = document.createElement("p");
    item.className = "announcement announcement--error";
    item.textContent = message;
    area.replaceChildren(item);
  }

  function bindBookmarks(root) {
    root.addEventListener("click", async function (event) {
      const button = event.target.closest(".js-bookmark");
      if (!button || button.getAttribute("aria-busy") === "true") return;
      const pressed = button.getAttribute("aria-pressed") === "true";
      button.setAttribute("aria-busy", "true");
      const result = await api(pressed ? "DELETE" : "PUT", "/api/v1/me/bookmarks/" + button.dataset.sessionId);
      button.removeAttribute("aria-busy");
      if (result.ok) {
        button.setAttribute("aria-pressed", pressed ? "false" : "true");
        announce(pressed ? t("Removed from your agenda") : t("Added to your agenda"));
      } else {
        showAlert(result.body.error.message);
      }
    });
  }

  function bindLogout() {
    for (const form of document.querySelectorAll(".js-logout")) {
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        await api("POST", form.action);
        window.location.assign("/");
      });
    }
  }

  window.conference = { locale, t, tn, formatNumber, formatTime, api, csrfToken, readCookie, rememberTimezone, storedTimezone, browserTimezone, announce, showAlert, bindBookmarks };

  // Live enhancements (the live room, announcements, programme updates) are ES modules named by
  // <template data-module="…">; they load once the page has painted, so reading a page on a slow link
  // never waits for them (docs/pages.md, "first paint").
  function loadLiveModules() {
    const urls = new Set(Array.from(document.querySelectorAll("template[data-module]"), (node) => node.dataset.module));
    for (const url of urls) {
      import(url).catch(function (error) {
        console.error("could not load " + url, error);
      });
    }
  }

  function afterPaint() {
    if ("requestIdleCallback" in window) window.requestIdleCallback(loadLiveModules, { timeout: 300 });
    else window.setTimeout(loadLiveModules, 0);
  }

  if (document.readyState === "complete") afterPaint();
  else window.addEventListener("load", afterPaint, { once: true });

  bindLogout();
  for (const input of document.querySelectorAll(".js-detect-tz")) {
    input.value = browserTimezone();
  }
})();
