// The officers' page of penalty serve (docs/web.md). Plain script, no library, no build step.
// It keeps the API key in sessionStorage (this tab only), asks the server for HTML fragments
// (/web/...) and evaluates through the API (POST /v1/evaluate). Every word it shows comes from the
// text catalog (the JSON in #texts, the catalog's web.js.*, web.msg.* and web.expect.* keys).
"use strict";
(function () {
  const KEY = "penalty-engine.key";
  const STATE = "penalty-engine.state";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const lang = document.body.dataset.lang || "zh";
  const texts = JSON.parse($("#texts").textContent);

  // A catalog pattern with its {fields} filled in (the catalog's patterns are str.format patterns).
  function tx(key, fields) {
    const pattern = texts[key];
    if (pattern === undefined) throw new Error("text " + key + " is not in the catalog");
    return pattern.replace(/\{(\w+)\}/g, (m, name) => (fields && name in fields ? String(fields[name]) : m));
  }

  // ---- state kept for this tab: the key, the chosen rule, the last result and the case it came from
  function key() { return sessionStorage.getItem(KEY); }
  function state() { try { return JSON.parse(sessionStorage.getItem(STATE)) || {}; } catch (e) { return {}; } }
  function save(patch) { sessionStorage.setItem(STATE, JSON.stringify(Object.assign(state(), patch))); }

  function busy(text) { $("#busy").textContent = text || ""; }

  async function call(path, options) {
    const opts = Object.assign({}, options || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + key() }, opts.headers || {});
    let resp;
    try {
      resp = await fetch(path, opts);
    } catch (err) {
      throw { network: true, message: tx("js.network", { error: err.message }) };
    }
    if (resp.status === 401) {
      logout(tx("js.session_expired"));
      throw { message: tx("js.session_expired"), status: 401 };
    }
    if (!resp.ok) {
      let problem = null;
      try { problem = await resp.json(); } catch (e) { problem = null; }
      const message = problem && problem.message ? problem.message[lang] || problem.detail : resp.statusText;
      throw { status: resp.status, problem: problem, message: message };
    }
    return resp;
  }

  async function fragment(path) {
    const sep = path.includes("?") ? "&" : "?";
    const resp = await call(path + sep + "lang=" + lang);
    return resp.text();
  }

  // ---- login
  function show(id, on) { $(id).hidden = !on; }

  async function login(event) {
    event.preventDefault();
    const value = $("#api-key").value.trim();
    const err = $("#login-err");
    err.textContent = "";
    if (!value) { err.textContent = tx("msg.required", { label: $("label[for=api-key]").textContent, field: "key" }); return; }
    sessionStorage.setItem(KEY, value);
    try {
      await call("/v1/packs");
    } catch (e) {
      sessionStorage.removeItem(KEY);
      err.textContent = e.message;
      $("#api-key").focus();
      return;
    }
    $("#api-key").value = "";
    start();
  }

  function logout(message) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(STATE);
    ["#picker", "#case", "#result"].forEach((id) => show(id, false));
    show("#login", true);
    $("#logout").hidden = true;
    $("#form").innerHTML = "";
    $("#result-body").innerHTML = "";
    $("#login-err").textContent = message || tx("js.logged_out");
    $("#api-key").focus();
  }

  async function start() {
    show("#login", false);
    $("#logout").hidden = false;
    busy(tx("js.busy_load"));
    try {
      $("#rules").innerHTML = await fragment("/web/rules");
      filterRules();
      const st = state();
      if (st.result) {
        await loadForm(st.rule, st.values);
        await showResult(st.result, st.compare);
      } else if (st.rule) {
        await loadForm(st.rule, st.values);
      } else {
        show("#picker", true);
      }
    } catch (e) {
      if (e.status !== 401) $("#login-err").textContent = e.message;
    } finally {
      busy("");
    }
  }

  // ---- choosing the violation
  function filterRules() {
    const words = $("#rule-search").value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    $$("#rules li[data-search]").forEach((li) => {
      const hit = words.every((w) => li.dataset.search.includes(w));
      li.hidden = !hit;
      if (hit) shown += 1;
    });
    $$("#rules h3.pack").forEach((h) => {
      const list = h.nextElementSibling;
      h.hidden = list && $$("li", list).every((li) => li.hidden);
    });
    const none = $("#no-rule");
    if (none) none.hidden = shown > 0;
    $("#search-count").textContent = tx("js.count", { n: shown });
  }

  async function chooseRule(id) {
    save({ rule: id, values: null, base: null, result: null, compare: null });
    await loadForm(id, null);
    const first = $("#case_id");
    if (first) first.focus();
  }

  async function loadForm(id, values) {
    busy(tx("js.busy_load"));
    try {
      $("#form").innerHTML = await fragment("/web/form/" + id);
    } finally {
      busy("");
    }
    show("#picker", false);
    show("#case", true);
    show("#result", false);
    if (values) restore(values);
    ageShown();
    markChanged();
    const st = state();
    const note = $("#base-note");
    if (st.base && note) {
      note.textContent = tx("js.base_note", { id: st.base });
      note.hidden = false;
    }
  }

  // ---- the form: values, checks as the officer types (the API's checks, the API's words)
  function pyRepr(s) {
    // Python's repr of a str, as the API's messages show what they got
    if (s.includes("'") && !s.includes('"')) return '"' + s.replace(/\\/g, "\\\\") + '"';
    return "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  }
  function got(raw, sent) {
    if (lang === "en") return typeof sent === "string" ? pyRepr(sent) : String(sent);
    return tx("js.got", { value: raw });
  }
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  function places(text) {
    // decimal places of a number's text, as Python's Decimal exponent counts them
    const m = text.replace(/^[+-]/, "").match(/^(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/);
    return Math.max(0, m[2].length - (m[3] ? parseInt(m[3], 10) : 0));
  }

  // One fact's value as the case JSON gives it, or its problem: {value, omit, error}.
  function checkFact(el) {
    const name = el.dataset.fact;
    const type = el.dataset.type;
    const field = "facts." + name;
    const label = el.dataset.label;
    if (type === "bool") {
      const on = $("input:checked", el);
      return { value: on ? on.value === "true" : el.dataset.default === "true" };
    }
    if (type === "enum") return { value: el.value };
    const raw = el.value.trim();
    if (raw === "") {
      if (el.required) {
        return { error: tx("msg.required_fact", { label: label, field: field, label_en: el.dataset.labelEn, label_zh: el.dataset.labelZh }) };
      }
      return { omit: true };
    }
    // as the engine reads numbers people write: commas in groups of three, 元, 万 (values/read.py)
    let clean = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?/.test(raw) ? raw.replace(/,/g, "") : raw;
    clean = clean.replace(/元$/, "");
    const wan = /万$/.test(clean);
    if (wan) clean = clean.slice(0, -1);
    const sent = type === "int" && /^[+-]?\d+$/.test(clean) && !wan ? Number(clean) : raw;
    const expected = lang === "en" ? el.dataset.expectedEn : el.dataset.expected;
    const bad = () => ({ error: tx("msg.problem", { label: label, field: field, expected: expected, got: got(raw, sent) }) });
    if (!NUMBER.test(clean)) return bad();
    const n = Number(clean) * (wan ? 10000 : 1);
    if (type === "int" && !Number.isInteger(n)) return bad();
    if (type === "money" && places(clean) - (wan ? 4 : 0) > 2) return bad();
    const lo = el.dataset.min === "" ? null : Number(el.dataset.min);
    const hi = el.dataset.max === "" ? null : Number(el.dataset.max);
    if ((lo !== null && n < lo) || (hi !== null && n > hi)) return bad();
    if (type === "money" && n < 0) return { error: tx("msg.negative", { label: label, field: field, got: got(raw, sent) }) };
    return { value: sent };
  }

  function checkAge() {
    const el = $("#party_age");
    const kind = $("input[name='party.kind']:checked");
    if (!el || !kind || kind.value !== "individual") return { omit: true };
    const raw = el.value.trim();
    if (raw === "") return { omit: true };
    const fields = { label: el.dataset.label, field: "party.age" };
    if (!/^[+-]?\d+$/.test(raw)) return { error: tx("msg.age_int", Object.assign(fields, { got: got(raw, raw) })) };
    const n = Number(raw);
    if (n < 0) return { error: tx("msg.age_min", Object.assign(fields, { got: got(raw, n) })) };
    if (n > 150) return { error: tx("msg.age_max", Object.assign(fields, { got: got(raw, n) })) };
    return { value: n };
  }

  function dateErrors() {
    const occ = $("#occurred_on").value;
    const dis = $("#discovered_on").value;
    const dec = $("#decided_on").value;
    const out = {};
    if (!occ) out.occurred_on = tx("msg.required", { label: $("#occurred_on").dataset.label, field: "occurred_on" });
    if (occ && dis && dis < occ) out.discovered_on = tx("msg.discovered_before");
    if (occ && dec && dec < occ) out.decided_on = tx("msg.decided_before_occurred");
    else if (dis && dec && dec < dis) out.decided_on = tx("msg.decided_before_discovered");
    return out;
  }

  function setError(errId, holder, message) {
    const p = document.getElementById(errId);
    if (p) p.textContent = message || "";
    if (holder) {
      holder.classList.toggle("invalid", !!message);
      $$("input, select", holder).forEach((i) => i.setAttribute("aria-invalid", message ? "true" : "false"));
      if (holder.matches("input, select")) holder.setAttribute("aria-invalid", message ? "true" : "false");
    }
  }

  function checkOne(target) {
    const factEl = target.closest("[data-fact]");
    if (factEl) {
      const r = checkFact(factEl);
      setError("err-" + factEl.dataset.fact, factEl.closest(".field"), r.error);
      return;
    }
    const which = target.dataset.case;
    if (which === "party.age" || which === "party.kind") {
      ageShown();
      setError("err-party_age", $("#age-field"), checkAge().error);
    } else if (which === "case_id") {
      setError("err-case_id", target.closest(".field"), "");
    } else if (which && which.endsWith("_on")) {
      const errs = dateErrors();
      ["occurred_on", "discovered_on", "decided_on"].forEach((d) => setError("err-" + d, $("#" + d).closest(".field"), errs[d]));
    }
  }

  function ageShown() {
    const kind = $("input[name='party.kind']:checked");
    const field = $("#age-field");
    if (field) field.hidden = !(kind && kind.value === "individual");
  }

  // The case as the API takes it, or the list of problems.
  function buildCase() {
    const form = $("#case-form");
    const errors = [];
    const c = { violation: form.dataset.violation };
    const id = $("#case_id").value.trim();
    if (id) c.case_id = id;
    else errors.push(["err-case_id", $("#case_id").closest(".field"), tx("msg.required", { label: $("#case_id").dataset.label, field: "case_id" })]);
    const kind = $("input[name='party.kind']:checked").value;
    c.party = { kind: kind };
    const age = checkAge();
    if (age.error) errors.push(["err-party_age", $("#age-field"), age.error]);
    else if (!age.omit) c.party.age = age.value;
    const dates = dateErrors();
    ["occurred_on", "discovered_on", "decided_on"].forEach((d) => {
      const v = $("#" + d).value;
      if (v) c[d] = v;
      if (dates[d]) errors.push(["err-" + d, $("#" + d).closest(".field"), dates[d]]);
    });
    c.facts = {};
    $$("[data-fact]", form).forEach((el) => {
      const r = checkFact(el);
      if (r.error) errors.push(["err-" + el.dataset.fact, el.closest(".field"), r.error]);
      else if (!r.omit) c.facts[el.dataset.fact] = r.value;
    });
    return { c: c, errors: errors };
  }

  // What the officer typed, by input name (to restore the form and to mark what changed).
  function snapshot() {
    const out = {};
    $$("#case-form input, #case-form select").forEach((el) => {
      if (el.type === "radio") { if (el.checked) out[el.name] = el.value; }
      else out[el.name] = el.value;
    });
    return out;
  }

  function restore(values) {
    $$("#case-form input, #case-form select").forEach((el) => {
      if (!(el.name in values)) return;
      if (el.type === "radio") el.checked = values[el.name] === el.value;
      else el.value = values[el.name];
    });
  }

  function shownValue(el, value) {
    if (el.tagName === "SELECT") { const o = $$("option", el).find((x) => x.value === value); return o ? o.textContent : value; }
    if (el.type === "radio") { const r = $$("input[type=radio]", el.closest("fieldset")).find((x) => x.value === value); return r ? r.parentElement.textContent.trim() : value; }
    return value === "" ? "—" : value;
  }

  function markChanged() {
    const st = state();
    const base = st.baseValues;
    $$("#case-form .changed").forEach((el) => el.classList.remove("changed"));
    $$("#case-form .was").forEach((el) => el.remove());
    if (!st.base || !base) return;
    const now = snapshot();
    Object.keys(now).forEach((name) => {
      if (name === "case_id" || base[name] === undefined || base[name] === now[name]) return;
      const el = $$("#case-form [name]").find((x) => x.name === name);
      const holder = el && el.closest(".field");
      if (!holder) return;
      holder.classList.add("changed");
      const note = document.createElement("p");
      note.className = "was";
      note.textContent = tx("js.was", { value: shownValue(el, base[name]) });
      holder.appendChild(note);
    });
  }

  async function submit(event) {
    event.preventDefault();
    const built = buildCase();
    $("#form-problem").textContent = "";
    $$("#case-form .err").forEach((p) => { p.textContent = ""; });
    $$("#case-form .invalid").forEach((el) => el.classList.remove("invalid"));
    if (built.errors.length) {
      built.errors.forEach(([id, holder, message]) => setError(id, holder, message));
      $("#form-problem").textContent = tx("js.fix_errors", { n: built.errors.length });
      const first = built.errors[0][1];
      const input = first && $("input:not([type=radio]), select, input:checked, input", first);
      if (input) input.focus();
      return;
    }
    const st = state();
    const values = snapshot();
    busy(tx("js.busy_eval"));
    $("#evaluate").disabled = true;
    try {
      const resp = await call("/v1/evaluate?lang=" + lang, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(built.c),
      });
      const decision = await resp.json();
      const id = resp.headers.get("Ledger-Id");
      save({ values: values, result: id, compare: st.base || null, decision: decision });
      await showResult(id, st.base || null);
    } catch (e) {
      showProblem(e);
    } finally {
      busy("");
      $("#evaluate").disabled = false;
    }
  }

  // A problem the API answered: at its field when the page has that field, else above the button.
  function showProblem(e) {
    const field = e.problem && e.problem.field;
    const holder = field && $("#case-form [data-field='" + CSS.escape(field) + "']");
    if (holder) {
      const err = $(".err", holder);
      setError(err.id, holder, e.message);
      const input = $("input, select", holder);
      if (input) input.focus();
    } else {
      $("#form-problem").textContent = e.message;
    }
  }

  async function showResult(id, compare) {
    busy(tx("js.busy_load"));
    try {
      const q = compare ? "?compare=" + encodeURIComponent(compare) : "";
      $("#result-body").innerHTML = await fragment("/web/result/" + encodeURIComponent(id) + q);
    } finally {
      busy("");
    }
    show("#picker", false);
    show("#case", false);
    show("#result", true);
    const head = $("#result-body .dec-head h3");
    if (head) { head.setAttribute("tabindex", "-1"); head.focus(); }
    window.scrollTo(0, 0);
  }

  // ---- the result's buttons
  function download(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function action(kind) {
    const st = state();
    const err = $("#action-err");
    if (err) err.textContent = "";
    if (kind === "print") {
      window.print();
    } else if (kind === "json") {
      let data = st.decision;
      if (!data) data = (await (await call("/v1/decisions/" + encodeURIComponent(st.result))).json()).decision;
      const blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" });
      download(blob, (data.case_id || st.result) + ".json");
    } else if (kind === "docx") {
      try {
        const resp = await call("/v1/decisions/" + encodeURIComponent(st.result) + "/document?format=docx&lang=" + lang);
        const name = (st.decision && st.decision.case_id) || st.result;
        download(await resp.blob(), name + ".docx");
      } catch (e) {
        if (err) err.textContent = tx("js.docx_failed", { message: e.message });
      }
    } else if (kind === "from-this") {
      save({ base: st.result, baseValues: st.values, result: null, compare: null });
      await loadForm(st.rule, st.values);
      $("#case_id").focus();
    } else if (kind === "new") {
      save({ values: null, base: null, baseValues: null, result: null, compare: null, decision: null });
      await loadForm(st.rule, null);
      $("#case_id").focus();
    }
  }

  // ---- print: every stage of the trail unfolded on paper, folded again after
  let folded = [];
  window.addEventListener("beforeprint", () => {
    folded = $$("details.stage:not([open])");
    folded.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => { folded.forEach((d) => { d.open = false; }); folded = []; });

  // ---- wiring (no inline handlers: the page's Content-Security-Policy forbids them)
  document.addEventListener("DOMContentLoaded", () => {
    $("#login-form").addEventListener("submit", login);
    $("#logout").addEventListener("click", () => logout());
    $("#rule-search").addEventListener("input", filterRules);
    $("#rules").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-rule]");
      if (b) chooseRule(b.dataset.rule);
    });
    const form = $("#form");
    form.addEventListener("submit", (e) => { if (e.target.id === "case-form") submit(e); });
    form.addEventListener("input", (e) => { checkOne(e.target); markChanged(); });
    form.addEventListener("change", (e) => { checkOne(e.target); markChanged(); });
    form.addEventListener("click", (e) => {
      if (e.target.id === "change-rule") {
        save({ rule: null, result: null });
        show("#case", false);
        show("#picker", true);
        $("#rule-search").focus();
      }
    });
    $("#result-body").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-action]");
      if (b) action(b.dataset.action);
    });
    // the language switch keeps the session: the state lives in sessionStorage
    if (key()) start();
    else $("#api-key").focus();
  });
})();
