/* The questionnaire page: every answer saved as it is given, nothing typed ever lost.
 *
 * Answers go into a queue kept in localStorage (key "dta:queue:<assessment id>") the moment they
 * are given, then are sent with PATCH /api/v1/assessments/<id>/answers/. The queue is emptied only
 * by a successful save, so a reload, a closed tab or a lost connection loses nothing: the next
 * page load puts queued answers back into the form and sends them again. `when` conditions,
 * progress and the list of open required items are computed from the questionnaire document.
 * No library; no inline script (the page's data comes in <script type="application/json">).
 */
(function () {
  "use strict";

  var root = document.getElementById("questionnaire");
  if (!root) { return; }
  var config = JSON.parse(document.getElementById("questionnaire-config").textContent);
  var doc = JSON.parse(document.getElementById("questionnaire-document").textContent);
  var serverAnswers = JSON.parse(document.getElementById("questionnaire-answers").textContent);
  var t = config.messages;
  var queueKey = "dta:queue:" + config.assessment;
  var partialKey = "dta:partial:" + config.assessment;  // ratios with one number typed so far
  var stateEl = document.getElementById("save-state");
  var inFlight = false;
  var retryDelay = 2000;
  var retryTimer = null;
  var debounceTimers = {};

  /* ---- the questionnaire's structure ---- */
  var items = [];
  var itemByCode = {};
  var dimensionOf = {};
  doc.dimensions.forEach(function (dim) {
    dim.items.forEach(function (item) {
      items.push(item);
      itemByCode[item.code] = item;
      dimensionOf[item.code] = dim.code;
    });
  });

  /* ---- the queue ---- */
  function readQueue() {
    try { return JSON.parse(window.localStorage.getItem(queueKey) || "{}"); } catch (e) { return {}; }
  }
  function writeQueue(queue) {
    try {
      if (Object.keys(queue).length) { window.localStorage.setItem(queueKey, JSON.stringify(queue)); }
      else { window.localStorage.removeItem(queueKey); }
    } catch (e) { /* storage full or disabled: the request still goes out */ }
  }

  function readPartial() {
    try { return JSON.parse(window.localStorage.getItem(partialKey) || "{}"); } catch (e) { return {}; }
  }
  function writePartial(code, value) {
    var partial = readPartial();
    if (value) { partial[code] = value; } else { delete partial[code]; }
    try {
      if (Object.keys(partial).length) { window.localStorage.setItem(partialKey, JSON.stringify(partial)); }
      else { window.localStorage.removeItem(partialKey); }
    } catch (e) { /* storage disabled */ }
  }

  /* ---- known answers: the server's, overlaid by what is queued ---- */
  var answers = {};
  var saved = {};  // what the server has acknowledged, by item
  serverAnswers.forEach(function (a) { answers[a.item] = a; saved[a.item] = JSON.stringify(a); });
  var pending = readQueue();
  Object.keys(pending).forEach(function (code) { answers[code] = pending[code]; });

  function isAnswered(a) {
    if (!a) { return false; }
    if (a.options !== undefined) { return a.options.length > 0; }
    if (a.option !== undefined) { return a.option !== null && a.option !== ""; }
    if (a.level !== undefined) { return a.level !== null; }
    if (a.numerator !== undefined) { return a.numerator !== null && a.denominator !== null; }
    if (a.before !== undefined) { return a.before !== null && a.after !== null; }
    if (a.value !== undefined) { return a.value !== null; }
    if (a.text !== undefined) { return String(a.text).trim() !== ""; }
    return false;
  }
  function chosen(a) {
    if (!a) { return []; }
    if (a.options) { return a.options; }
    if (a.option) { return [a.option]; }
    return [];
  }
  /* Applicability as QUESTIONNAIRES.md: an item with `when` applies while the named item's answer
     has one of the listed options; an answer to an item that does not apply is ignored. */
  function applicability() {
    var result = {};
    items.forEach(function (item) {
      if (!item.when) { result[item.code] = true; return; }
      var source = item.when.item;
      if (!result[source]) { result[item.code] = false; return; }
      var picked = chosen(answers[source]);
      result[item.code] = picked.some(function (c) { return item.when.any.indexOf(c) !== -1; });
    });
    return result;
  }

  /* ---- the form <-> answers ---- */
  function el(code) { return document.getElementById("item-" + code); }

  function readAnswer(code) {
    var item = itemByCode[code];
    var box = el(code);
    if (!box) { return null; }
    var inputs;
    switch (item.kind) {
      case "single":
        inputs = box.querySelector("input[type=radio]:checked");
        return inputs ? { item: code, option: inputs.value } : null;
      case "multi":
        inputs = box.querySelectorAll("input[type=checkbox]:checked");
        return { item: code, options: Array.prototype.map.call(inputs, function (i) { return i.value; }) };
      case "scene":
        inputs = box.querySelector("input[type=radio]:checked");
        return inputs ? { item: code, level: parseInt(inputs.value, 10) } : null;
      case "ratio":
        var n = box.querySelector("[data-part=numerator]").value.trim();
        var d = box.querySelector("[data-part=denominator]").value.trim();
        if (n === "" || d === "") { return null; }
        return { item: code, numerator: Number(n), denominator: Number(d) };
      case "change":
        var before = box.querySelector("[data-part=before]").value.trim();
        var after = box.querySelector("[data-part=after]").value.trim();
        if (before === "" || after === "") { return null; }
        return { item: code, before: Number(before), after: Number(after) };
      case "number":
        var v = box.querySelector("input").value.trim();
        return v === "" ? null : { item: code, value: Number(v) };
      case "text":
        return { item: code, text: box.querySelector("textarea").value };
    }
    return null;
  }

  function writeAnswer(answer) {
    var box = el(answer.item);
    if (!box) { return; }
    var item = itemByCode[answer.item];
    if (item.kind === "single" || item.kind === "multi") {
      var picked = chosen(answer);
      box.querySelectorAll("input").forEach(function (i) { i.checked = picked.indexOf(i.value) !== -1; });
    } else if (item.kind === "scene") {
      box.querySelectorAll("input").forEach(function (i) { i.checked = Number(i.value) === answer.level; });
    } else if (item.kind === "ratio") {
      box.querySelector("[data-part=numerator]").value = answer.numerator;
      box.querySelector("[data-part=denominator]").value = answer.denominator;
    } else if (item.kind === "change") {
      box.querySelector("[data-part=before]").value = answer.before;
      box.querySelector("[data-part=after]").value = answer.after;
    } else if (item.kind === "number") {
      box.querySelector("input").value = answer.value;
    } else if (item.kind === "text") {
      box.querySelector("textarea").value = answer.text;
    }
  }

  /* A client-side check of the answer's shape only, so that an obviously incomplete ratio is not
     sent; the server decides everything else and its 400 is shown beside the item. */
  function localProblem(answer) {
    var item = itemByCode[answer.item];
    if (item.kind === "ratio") {
      var n = answer.numerator, d = answer.denominator;
      if (!Number.isInteger(n) || !Number.isInteger(d)) { return t.ratio_integers; }
      if (d <= 0) { return t.ratio_denominator; }
      if (n < 0 || n > d) { return t.ratio_range; }
    }
    if (item.kind === "number" && !isFinite(answer.value)) { return t.number_invalid; }
    if (item.kind === "change" && !(isFinite(answer.before) && isFinite(answer.after))) { return t.number_invalid; }
    return "";
  }

  function showItemError(code, message) {
    var box = el(code);
    if (!box) { return; }
    var slot = box.querySelector(".q-item-error");
    slot.textContent = message || "";
    slot.hidden = !message;
  }

  /* ---- saving ---- */
  function setState(state, text) {
    stateEl.dataset.state = state;
    stateEl.textContent = text;
  }

  function given(code) {
    var answer = readAnswer(code);
    var box = el(code);
    if (itemByCode[code].kind === "ratio" && box) {
      // Keep a half-typed ratio on the device too, until both numbers are there.
      var n = box.querySelector("[data-part=numerator]").value, d = box.querySelector("[data-part=denominator]").value;
      writePartial(code, answer === null && (n !== "" || d !== "") ? { numerator: n, denominator: d } : null);
    }
    if (answer === null) { return; }
    var problem = localProblem(answer);
    showItemError(code, problem);
    if (problem) { return; }
    answers[code] = answer;
    var queue = readQueue();
    if (!queue[code] && saved[code] === JSON.stringify(answer)) {
      refresh();
      return;  // nothing new to send
    }
    queue[code] = answer;
    writeQueue(queue);
    refresh();
    setState("queued", t.unsaved);
  }

  function scheduleFlush(delay) {
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(flush, delay);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : config.csrf;
  }

  function errorText(body) {
    if (!body) { return ""; }
    if (typeof body === "string") { return body; }
    if (Array.isArray(body)) { return body.map(errorText).join(" "); }
    return Object.keys(body).map(function (k) { return errorText(body[k]); }).join(" ");
  }

  function badItems(body, sent) {
    /* Which of the sent items a 400 names; if it names none we cannot tell, so all of them. */
    var text = JSON.stringify(body || {});
    var named = sent.filter(function (a) { return text.indexOf('"' + a.item + '"') !== -1 || text.indexOf(a.item + ":") !== -1 || text.indexOf(" " + a.item) !== -1; });
    return named.length ? named.map(function (a) { return a.item; }) : sent.map(function (a) { return a.item; });
  }

  function flush() {
    if (inFlight) { return Promise.resolve(); }
    var queue = readQueue();
    var sent = Object.keys(queue).map(function (code) { return queue[code]; });
    if (!sent.length) {
      setState("saved", t.saved);
      return Promise.resolve();
    }
    inFlight = true;
    setState("saving", t.saving);
    return fetch(config.answers_url, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ answers: sent })
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        inFlight = false;
        var latest = readQueue();
        if (response.ok) {
          if (body && body.checks) { showChecks(body.checks); }
          // Drop what was saved, unless it changed again while the request was out.
          sent.forEach(function (a) {
            saved[a.item] = JSON.stringify(a);
            if (latest[a.item] && JSON.stringify(latest[a.item]) === JSON.stringify(a)) { delete latest[a.item]; }
            showItemError(a.item, "");
          });
          writeQueue(latest);
          retryDelay = 2000;
          if (Object.keys(latest).length) { return flush(); }
          setState("saved", t.saved);
          return null;
        }
        if (response.status === 400) {
          // Nothing of the request was saved: drop the refused answers, send the others again.
          var bad = badItems(body, sent);
          var message = errorText(body) || t.refused;
          bad.forEach(function (code) {
            showItemError(code, message);
            delete latest[code];
          });
          writeQueue(latest);
          setState("error", t.refused);
          if (Object.keys(latest).length) { scheduleFlush(500); }
          return null;
        }
        if (response.status === 409 || response.status === 403 || response.status === 404) {
          writeQueue({});
          setState("error", errorText(body) || t.closed);
          return null;
        }
        if (response.status === 401) {
          setState("error", t.logged_out);
          return null;
        }
        throw new Error("HTTP " + response.status);
      });
    }).catch(function () {
      inFlight = false;
      setState("offline", t.offline);
      retryDelay = Math.min(retryDelay * 2, 30000);
      scheduleFlush(retryDelay);
    });
  }

  /* ---- the questionnaire's checks (contradictions), computed by the server on the saved answers ---- */
  var checks = config.checks || [];
  function showChecks(fired) {
    checks = fired || [];
    document.querySelectorAll(".q-item-check").forEach(function (slot) { slot.textContent = ""; slot.hidden = true; });
    var list = document.getElementById("check-items");
    list.textContent = "";
    checks.forEach(function (check) {
      check.items.forEach(function (code) {
        var box = el(code);
        if (!box) { return; }
        var slot = box.querySelector(".q-item-check");
        var line = document.createElement("p");
        line.textContent = t.check + " " + check.message;
        slot.appendChild(line);
        slot.hidden = false;
      });
      var first = check.items[0];
      var li = document.createElement("li");
      var a = document.createElement("a");
      if (first && dimensionOf[first]) { a.href = config.dimension_urls[dimensionOf[first]] + "#item-" + first; }
      a.textContent = check.message;
      li.appendChild(a);
      list.appendChild(li);
    });
    document.getElementById("checks-panel").hidden = checks.length === 0;
  }

  /* ---- what is shown ---- */
  function refresh() {
    var applies = applicability();
    var total = 0, done = 0;
    var open = [];
    items.forEach(function (item) {
      var box = el(item.code);
      if (box) { box.hidden = !applies[item.code]; }
      if (!applies[item.code]) { return; }
      total += 1;
      var answered = isAnswered(answers[item.code]);
      if (answered) { done += 1; }
      if (box) { box.classList.toggle("is-open", item.required && !answered); }
      if (item.required && !answered) { open.push(item); }
    });
    var pct = total ? Math.round(100 * done / total) : 0;
    document.getElementById("progress-bar").style.width = pct + "%";
    document.getElementById("progress-bar").parentNode.setAttribute("aria-valuenow", String(pct));
    document.getElementById("progress-text").textContent = done + " / " + total;
    document.getElementById("progress-pct").textContent = pct + "%";
    var list = document.getElementById("open-items");
    list.textContent = "";
    open.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = config.dimension_urls[dimensionOf[item.code]] + "#item-" + item.code;
      a.textContent = config.english && item.text_en ? item.text_en : item.text;
      li.appendChild(a);
      list.appendChild(li);
    });
    document.getElementById("open-count").textContent = open.length;
    document.getElementById("open-none").hidden = open.length > 0;
    Object.keys(config.dimension_urls).forEach(function (code) {
      var counter = document.querySelector('[data-dimension-count="' + code + '"]');
      if (!counter) { return; }
      var n = open.filter(function (i) { return dimensionOf[i.code] === code; }).length;
      counter.textContent = n ? t.open_n.replace("%(n)s", n) : "✓";
    });
  }

  /* ---- events ---- */
  root.addEventListener("change", function (event) {
    var box = event.target.closest("[data-item]");
    if (!box) { return; }
    var code = box.dataset.item;
    var input = event.target;
    window.clearTimeout(debounceTimers[code]);
    if (itemByCode[code].kind === "multi" && input.checked) {
      // An exclusive option ("none") is chosen alone.
      var exclusive = input.dataset.exclusive === "true";
      box.querySelectorAll("input[type=checkbox]").forEach(function (other) {
        if (other !== input && (exclusive || other.dataset.exclusive === "true")) { other.checked = false; }
      });
    }
    given(code);
    scheduleFlush(0);
  });
  root.addEventListener("input", function (event) {
    var box = event.target.closest("[data-item]");
    if (!box || event.target.type === "radio" || event.target.type === "checkbox") { return; }
    var code = box.dataset.item;
    given(code);  // on the device at once; sent when typing pauses
    window.clearTimeout(debounceTimers[code]);
    debounceTimers[code] = window.setTimeout(function () { scheduleFlush(0); }, 600);
  });
  window.addEventListener("online", function () { scheduleFlush(0); });
  window.addEventListener("beforeunload", function (event) {
    if (Object.keys(readQueue()).length && !navigator.onLine) {
      event.preventDefault();
    }
  });

  /* The review step reads the saved answers: send what is queued before going there. */
  var reviewLink = document.getElementById("review-answers");
  if (reviewLink) {
    reviewLink.addEventListener("click", function (event) {
      if (!Object.keys(readQueue()).length) { return; }
      event.preventDefault();
      flush().then(function () { window.location.assign(reviewLink.href); });
    });
  }

  /* On a phone the progress panel starts folded: the questions come first. */
  var progressPanel = document.getElementById("q-progress");
  if (progressPanel && window.matchMedia("(max-width: 860px)").matches) { progressPanel.open = false; }

  /* ---- start: put queued answers and half-typed ratios back, then send ---- */
  Object.keys(pending).forEach(function (code) { writeAnswer(pending[code]); });
  var partial = readPartial();
  Object.keys(partial).forEach(function (code) {
    var box = el(code);
    if (!box || pending[code]) { return; }
    box.querySelector("[data-part=numerator]").value = partial[code].numerator;
    box.querySelector("[data-part=denominator]").value = partial[code].denominator;
  });
  refresh();
  showChecks(checks);
  if (Object.keys(pending).length) { setState("queued", t.unsaved); scheduleFlush(0); }
  else { setState("saved", t.saved); }
}());
