// pytest-mimic dashboard: polls /mimic/dashboard/api/state while the page is open.
// Every value from the server is put in the page with textContent, never as markup:
// a server called <script>alert(1)</script> is shown as those characters.
"use strict";

(function () {
  const API = "/mimic/dashboard/api";
  const POLL_MS = 500;            // while the page is visible
  const HIDDEN_POLL_MS = 5000;    // in a background tab
  const MAX_ROWS = 2000;          // journal rows kept in the page

  const journal = { epoch: null, next: 0, calls: [] };
  let lastPanels = "";
  let lastRules = "";
  let lastErrors = "";
  let scenarios = [];
  let selected = null;

  const $ = (id) => document.getElementById(id);

  // -- small DOM helpers (text only) ----------------------------------------------------

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function cellText(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "yes" : "no";
    return String(value);
  }

  function table(columns, rows, total) {
    const t = el("table");
    const head = el("thead");
    const tr = el("tr");
    for (const column of columns) tr.appendChild(el("th", column));
    head.appendChild(tr);
    t.appendChild(head);
    const body = el("tbody");
    for (const row of rows) {
      const line = el("tr");
      row.forEach((value, i) => {
        const td = el("td");
        td.dataset.column = columns[i];
        if (value !== null && typeof value === "object" && Array.isArray(value.rows)) {
          if (value.rows.length) td.appendChild(table(value.columns, value.rows, value.total));
          else td.textContent = "none";
        } else {
          td.textContent = cellText(value);
        }
        line.appendChild(td);
      });
      body.appendChild(line);
    }
    t.appendChild(body);
    const wrap = el("div", undefined, "scroll");
    wrap.appendChild(t);
    if (total > rows.length) wrap.appendChild(el("p", `${rows.length} of ${total} shown`, "more"));
    return wrap;
  }

  function message(id, text, good) {
    const node = $(id);
    node.textContent = text;
    node.className = "message " + (good ? "good" : "bad");
  }

  // -- talking to the server ----------------------------------------------------------

  async function errorText(response) {
    try {
      const body = await response.json();
      const inner = Object.values(body)[0];
      if (inner && typeof inner.message === "string") return inner.message;
    } catch (ignored) {
      // not JSON: fall through
    }
    return `HTTP ${response.status}`;
  }

  async function act(method, path, body, messageId, done) {
    try {
      const response = await fetch(API + path, {
        method,
        headers: { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) {
        message(messageId, await errorText(response), false);
        return;
      }
      message(messageId, done, true);
    } catch (error) {
      message(messageId, `The server did not answer: ${error}`, false);
    }
    poll(true);
  }

  // -- rendering ----------------------------------------------------------------------

  function renderClock(clock, url) {
    $("server-url").textContent = url;
    $("clock-now").textContent = clock.now;
    const state = $("clock-state");
    state.textContent = clock.frozen ? "frozen" : "running";
    state.className = "badge " + (clock.frozen ? "frozen" : "running");
    const ahead = Math.round(clock.ahead);
    $("clock-ahead").textContent =
      Math.abs(ahead) < 1 ? "(real time)" : `(${ahead > 0 ? "+" : ""}${ahead} s from real time)`;
  }

  function renderPanels(panels) {
    const text = JSON.stringify(panels);
    if (text === lastPanels) return;
    lastPanels = text;
    const holder = $("panels");
    const fresh = [];
    for (const panel of panels) {
      const article = el("article", undefined, "panel");
      article.id = "panel-" + panel.service;
      article.dataset.service = panel.service;
      article.appendChild(el("h3", panel.service));
      if (panel.facts.length) {
        const facts = el("div", undefined, "facts");
        for (const [label, value] of panel.facts) {
          const fact = el("span");
          fact.appendChild(el("span", label + ": ", "label"));
          fact.appendChild(el(String(value).includes("\n") ? "pre" : "b", cellText(value)));
          facts.appendChild(fact);
        }
        article.appendChild(facts);
      }
      for (const section of panel.sections) {
        const part = el("div");
        part.dataset.section = section.title;
        part.appendChild(el("h4", `${section.title} (${section.total})`));
        if (section.rows.length) part.appendChild(table(section.columns, section.rows, section.total));
        else part.appendChild(el("p", "none", "muted"));
        article.appendChild(part);
      }
      fresh.push(article);
    }
    holder.replaceChildren(...fresh);
  }

  function ruleRow(rule, removable) {
    const tr = el("tr");
    tr.dataset.rule = rule.id;
    tr.dataset.source = rule.source;
    tr.appendChild(el("td", rule.id));
    tr.appendChild(el("td", rule.description));
    tr.appendChild(el("td", rule.hits, "hits"));
    tr.appendChild(el("td", rule.times === null ? "always" : rule.times));
    if (removable) {
      const cell = el("td");
      const remove = el("button", "remove");
      remove.type = "button";
      remove.addEventListener("click", () =>
        act("DELETE", "/rules/" + encodeURIComponent(rule.id), undefined, "faults-message",
          `Removed ${rule.id}.`));
      cell.appendChild(remove);
      tr.appendChild(cell);
    }
    return tr;
  }

  function renderRules(rules) {
    const text = JSON.stringify(rules);
    if (text === lastRules) return;
    lastRules = text;
    const active = rules.filter((rule) => !rule.standing);
    const standing = rules.filter((rule) => rule.standing);
    $("rules").replaceChildren(...active.map((rule) => ruleRow(rule, true)));
    $("rules-empty").hidden = active.length > 0;
    $("preset-rules").replaceChildren(...standing.map((rule) => ruleRow(rule, false)));
    $("presets-count").textContent = String(standing.length);
  }

  function renderErrors(errors) {
    const text = JSON.stringify(errors);
    if (text === lastErrors) return;
    lastErrors = text;
    const blocks = errors.map((error) => {
      const block = el("div");
      block.appendChild(el("h4", error.request));
      if (error.body) block.appendChild(el("pre", "request body: " + error.body));
      block.appendChild(el("pre", error.traceback));
      return block;
    });
    $("errors").replaceChildren(...blocks);
    $("errors-empty").hidden = errors.length > 0;
  }

  // -- the journal --------------------------------------------------------------------

  function statusClass(call) {
    return "status-" + String(call.status).charAt(0);
  }

  function journalRow(call) {
    const tr = el("tr", undefined, statusClass(call));
    tr.dataset.number = call.number;
    tr.dataset.service = call.service;
    tr.dataset.operation = call.operation;
    tr.dataset.status = call.status;
    if (call.fault) tr.dataset.fault = "yes";
    const target = call.path + (call.query ? "?" + call.query : "");
    const cells = [
      ["number", call.number], ["time", call.time.slice(11)], ["service", call.service],
      ["operation", call.operation], ["method", call.method], ["path", target],
      ["status", call.status || "dropped"], ["fault", call.fault || ""], ["duration", call.duration],
    ];
    for (const [name, value] of cells) {
      const td = el("td", value, name);
      tr.appendChild(td);
    }
    tr.addEventListener("click", () => showCall(call.number, tr));
    return tr;
  }

  function addOption(select, value) {
    for (const option of select.options) if (option.value === value) return;
    const option = el("option", value);
    option.value = value;
    select.appendChild(option);
  }

  function visible(call) {
    const service = $("journal-service").value;
    const operation = $("journal-operation").value;
    const status = $("journal-status").value;
    if (service && call.service !== service) return false;
    if (operation && call.operation !== operation) return false;
    if (status === "fault") return Boolean(call.fault);
    if (status && String(call.status).charAt(0) !== status) return false;
    return true;
  }

  function refilter() {
    let shown = 0;
    for (const row of $("journal-body").children) {
      const call = journal.calls[row.dataset.index];
      const keep = call !== undefined && visible(call);
      row.hidden = !keep;
      if (keep) shown += 1;
    }
    $("journal-count").textContent = `${shown} of ${journal.calls.length} calls`;
    const operations = $("journal-operation");
    const service = $("journal-service").value;
    for (const call of journal.calls) {
      if (!service || call.service === service) addOption(operations, call.operation);
    }
  }

  function serviceChosen() {
    // The operation list follows the service chosen: only its operations are offered.
    const operations = $("journal-operation");
    const kept = operations.value;
    const all = el("option", "all");
    all.value = "";
    operations.replaceChildren(all);
    const service = $("journal-service").value;
    for (const call of journal.calls) {
      if (!service || call.service === service) addOption(operations, call.operation);
    }
    operations.value = Array.from(operations.options).some((o) => o.value === kept) ? kept : "";
    refilter();
  }

  function renderJournal(part) {
    const body = $("journal-body");
    if (part.epoch !== journal.epoch) {
      journal.epoch = part.epoch;
      journal.calls = [];
      body.replaceChildren();
      $("call-detail").hidden = true;
    }
    journal.next = part.next;
    if (!part.calls.length) {
      refilter();
      return;
    }
    const rows = [];
    for (const call of part.calls) {
      if (journal.calls.length && call.number <= journal.calls[journal.calls.length - 1].number) continue;
      journal.calls.push(call);
      addOption($("journal-service"), call.service);
      const row = journalRow(call);
      row.dataset.index = journal.calls.length - 1;
      rows.push(row);
    }
    body.append(...rows);
    if (journal.calls.length > MAX_ROWS) {
      const extra = journal.calls.length - MAX_ROWS;
      journal.calls = journal.calls.slice(extra);
      for (let i = 0; i < extra; i += 1) body.firstElementChild.remove();
      Array.from(body.children).forEach((row, i) => { row.dataset.index = i; });
    }
    refilter();
  }

  function pretty(text) {
    if (!text) return "(empty)";
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (ignored) {
      return text;
    }
  }

  async function showCall(number, row) {
    for (const other of $("journal-body").querySelectorAll("tr.selected")) other.classList.remove("selected");
    row.classList.add("selected");
    const detail = $("call-detail");
    try {
      const response = await fetch(`${API}/calls/${number}?epoch=${journal.epoch}`);
      if (!response.ok) {
        $("call-title").textContent = await errorText(response);
        detail.hidden = false;
        return;
      }
      const call = await response.json();
      $("call-title").textContent = `#${call.number} ${call.method} ${call.path}`;
      $("call-facts").textContent =
        `${call.service}.${call.operation} answered ${call.status || "nothing (dropped)"}` +
        (call.fault ? `, fault: ${call.fault}` : "") + ` in ${call.duration} ms at ${call.time}`;
      $("call-attributes").textContent = JSON.stringify(call.attributes, null, 2);
      $("call-request").textContent = pretty(call.request_body);
      $("call-response").textContent = pretty(call.response_body);
      detail.hidden = false;
    } catch (error) {
      $("call-title").textContent = `The server did not answer: ${error}`;
      detail.hidden = false;
    }
  }

  // -- scenarios ----------------------------------------------------------------------

  function renderScenarioForm() {
    const chosen = scenarios.find((s) => s.name === $("scenario-name").value);
    $("scenario-description").textContent = chosen ? chosen.description : "";
    const inputs = (chosen ? chosen.parameters : []).map((parameter) => {
      const label = el("label", parameter.name);
      label.title = parameter.help;
      const input = el("input");
      input.name = parameter.name;
      input.dataset.type = parameter.type;
      if (parameter.type === "bool") {
        input.type = "checkbox";
        input.checked = parameter.default === true;
      } else {
        input.type = parameter.type === "int" || parameter.type === "float" ? "number" : "text";
        if (input.type === "number") input.step = "any";
        input.placeholder = parameter.default === null ? "default" : String(parameter.default);
      }
      input.id = "scenario-param-" + parameter.name;
      label.appendChild(input);
      if (parameter.help) label.appendChild(el("span", " " + parameter.help, "muted"));
      return label;
    });
    $("scenario-params").replaceChildren(...inputs);
  }

  async function loadScenarios() {
    try {
      const response = await fetch(API + "/scenarios");
      if (!response.ok) return;
      scenarios = (await response.json()).scenarios;
    } catch (ignored) {
      return;
    }
    const select = $("scenario-name");
    select.replaceChildren(...scenarios.map((s) => {
      const option = el("option", s.name);
      option.value = s.name;
      return option;
    }));
    renderScenarioForm();
  }

  function scenarioParameters() {
    const parameters = {};
    for (const input of $("scenario-params").querySelectorAll("input")) {
      const type = input.dataset.type;
      if (type === "bool") {
        parameters[input.name] = input.checked;
      } else if (input.value !== "") {
        parameters[input.name] = type === "int" || type === "float" ? Number(input.value) : input.value;
      }
    }
    return parameters;
  }

  // -- the loop -----------------------------------------------------------------------

  let timer = null;
  let polling = false;

  async function poll(now) {
    if (polling) return;
    if (now && timer !== null) clearTimeout(timer);
    polling = true;
    try {
      const query = journal.epoch === null ? "since=0" : `since=${journal.next}&epoch=${journal.epoch}`;
      const response = await fetch(`${API}/state?${query}`, { cache: "no-store" });
      if (!response.ok) throw new Error(await errorText(response));
      const state = await response.json();
      renderClock(state.clock, state.url);
      renderPanels(state.panels);
      renderRules(state.rules);
      renderErrors(state.errors);
      renderJournal(state.journal);
      const connection = $("connection");
      connection.textContent = "live";
      connection.className = "connection ok";
    } catch (error) {
      const connection = $("connection");
      connection.textContent = `not reachable (${error.message || error})`;
      connection.className = "connection down";
    } finally {
      polling = false;
      timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
    }
  }

  function tick(seconds) {
    act("POST", "/tick", { amount: seconds }, "clock-message", `Moved the clock ${seconds} s on.`);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const id of ["tick-60", "tick-600"]) {
      const button = $(id);
      button.addEventListener("click", () => tick(Number(button.dataset.seconds)));
    }
    $("tick-go").addEventListener("click", () => {
      const raw = $("tick-amount").value;
      if (raw === "") {
        message("clock-message", "Give a number of seconds.", false);
        return;
      }
      tick(Number(raw));
    });
    $("reset").addEventListener("click", () =>
      act("POST", "/reset", undefined, "clock-message", "The cloud was reset."));
    $("clear-scenarios").addEventListener("click", () =>
      act("DELETE", "/scenarios", undefined, "faults-message", "Scenario rules removed."));
    $("clear-rules").addEventListener("click", () =>
      act("DELETE", "/rules", undefined, "faults-message", "Rules removed (presets stay)."));
    $("scenario-name").addEventListener("change", renderScenarioForm);
    $("scenario-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = $("scenario-name").value;
      if (!name) return;
      act("POST", "/scenarios/" + encodeURIComponent(name), scenarioParameters(), "faults-message",
        `Scenario ${name} activated.`);
    });
    $("journal-service").addEventListener("change", serviceChosen);
    for (const id of ["journal-operation", "journal-status"]) {
      $(id).addEventListener("change", refilter);
    }
    $("call-close").addEventListener("click", () => { $("call-detail").hidden = true; });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(true); });
    loadScenarios();
    poll(true);
  });
})();
