// Forms that talk to the JSON API: collect fields, send them, and show each field's error beside it.
"use strict";

(function () {
  const conference = window.conference;

  function labelOf(form, name) {
    const field = form.querySelector('[data-field="' + name + '"]');
    const label = field && field.querySelector("label, legend");
    if (!label) return name.replace(/_/g, " ");
    return label.childNodes[0].textContent.trim();
  }

  function collect(form) {
    const data = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.name === "csrf_token") continue;
      if (element.type === "submit" || element.type === "button") continue;
      const group = element.closest("[data-list]");
      if (group) {
        const name = group.dataset.list;
        if (!data[name]) data[name] = [];
        if (element.checked) data[name].push(element.value);
      } else if (element.type === "checkbox") {
        data[element.name] = element.checked;
      } else if (element.multiple) {
        data[element.name] = Array.from(element.selectedOptions, (option) => option.value);
      } else if (element.type === "hidden" && element.value === "") {
        continue; // e.g. a time zone the browser could not tell: let the server choose its default
      } else {
        data[element.name] = element.value;
      }
    }
    return data;
  }

  function controlOf(form, name) {
    const field = form.querySelector('[data-field="' + name + '"]');
    if (!field) return null;
    if (field.matches("fieldset")) return field;
    return field.querySelector("input, select, textarea");
  }

  function clearErrors(form) {
    const summary = form.querySelector(".error-summary");
    if (summary) summary.hidden = true;
    for (const error of form.querySelectorAll(".field__error")) {
      error.hidden = true;
      error.textContent = "";
      const control = controlOf(form, error.id.replace(/-error$/, ""));
      if (control) {
        control.removeAttribute("aria-invalid");
        const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
        if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
        else control.removeAttribute("aria-describedby");
      }
    }
  }

  function sentence(label, problem) {
    return label + " " + problem;
  }

  function showErrors(form, error) {
    const summary = form.querySelector(".error-summary");
    const list = summary.querySelector(".error-summary__list");
    const fields = error.fields || {};
    list.replaceChildren();
    for (const [name, problem] of Object.entries(fields)) {
      const text = sentence(labelOf(form, name), problem);
      const control = controlOf(form, name);
      const item = document.createElement("li");
      if (control) {
        const slot = document.getElementById(name + "-error");
        slot.textContent = text;
        slot.hidden = false;
        control.setAttribute("aria-invalid", "true");
        const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        control.setAttribute("aria-describedby", [...ids, slot.id].join(" "));
        const link = document.createElement("a");
        const focusable = control.matches("fieldset") ? control.querySelector("input") : control;
        link.href = "#" + (focusable && focusable.id ? focusable.id : name);
        link.textContent = text;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          (focusable || control).focus();
        });
        item.appendChild(link);
      } else {
        item.textContent = text;
      }
      list.appendChild(item);
    }
    summary.querySelector(".error-summary__message").textContent =
      Object.keys(fields).length ? "" : error.message;
    summary.hidden = false;
    summary.focus();
  }

  async function submit(form) {
    const button = form.querySelector('[type="submit"]');
    clearErrors(form);
    const status = form.querySelector(".form-status");
    if (status) status.textContent = "";
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    try {
      const data = collect(form);
      let result = await conference.api(form.dataset.method || "POST", form.dataset.api, data);
      if (result.ok && form.dataset.thenLogin) {
        result = await conference.api("POST", "/api/v1/auth/login", { email: data.email, password: data.password });
      }
      if (!result.ok) {
        showErrors(form, result.body.error);
        return;
      }
      if (form.dataset.next) {
        window.location.assign(form.dataset.next);
      } else if (status && form.dataset.success) {
        status.textContent = form.dataset.success;
      }
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  }

  for (const form of document.querySelectorAll("form[data-api]")) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form);
    });
  }
})();
