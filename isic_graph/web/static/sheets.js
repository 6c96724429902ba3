// The collection-sheet form: more lesson, partner, funding… blocks on demand, and each field checked against the shapes
// as the user goes (the server's /sheets/check, the same shapes as on submit). Without JavaScript the
// form still works: it is checked on submit.
(function () {
  "use strict";
  var form = document.getElementById("sheet");
  if (!form) { return; }
  var lang = document.documentElement.lang || "fr";
  var touched = {};

  // One more block on demand (a lesson, a partner, a funding…): a copy of the last one, emptied, renumbered.
  // What the copy names of a stored resource (its hidden identifier) is left out: it describes a new one.
  function addBlock(holder, kind) {
    var pattern = new RegExp(kind + "\\.\\d+(\\.|$)", "g");
    var blocks = holder.querySelectorAll("fieldset[data-index]");
    var last = blocks[blocks.length - 1];
    var index = Number(last.getAttribute("data-index")) + 1;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-index", String(index));
    copy.querySelectorAll("input[type=hidden]").forEach(function (el) { el.remove(); });
    var legend = copy.querySelector("legend");
    legend.textContent = legend.textContent.replace(/\d+$/, String(index + 1));
    copy.querySelectorAll("[name],[id],[for],[data-field],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "data-field", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(pattern, kind + "." + index + "$1")); }
      });
      if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") { el.value = ""; }
      if (el.tagName === "SELECT") { Array.prototype.forEach.call(el.options, function (o) { o.selected = false; }); }
    });
    copy.querySelectorAll(".errors").forEach(function (ul) { ul.innerHTML = ""; });
    copy.querySelectorAll(".invalid").forEach(function (div) { div.classList.remove("invalid"); });
    holder.appendChild(copy);
  }

  var add = document.getElementById("add-lesson");
  add.hidden = false;
  add.addEventListener("click", function () { addBlock(document.getElementById("lessons"), "lesson"); });
  // The blocks of partners, fundings, organisations and territories.
  document.querySelectorAll("button[data-add]").forEach(function (button) {
    var kind = button.getAttribute("data-add");
    button.hidden = false;
    button.addEventListener("click", function () { addBlock(document.getElementById(kind + "-blocks"), kind); });
  });

  function show(errors) {
    document.querySelectorAll("[data-field]").forEach(function (div) {
      var name = div.getAttribute("data-field");
      if (!touched[name]) { return; }
      var list = div.querySelector(".errors");
      var messages = errors[name] || [];
      list.innerHTML = "";
      messages.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
      div.classList.toggle("invalid", messages.length > 0);
    });
    // What no field shows (a project, partner or funding another network owns, at its block's hidden identifier;
    // the points of no field) is said above the form's button, as the save would say it.
    var elsewhere = [];
    Object.keys(errors).forEach(function (name) {
      if (name !== "" && !/\.id$/.test(name)) { return; }
      errors[name].forEach(function (text) { if (elsewhere.indexOf(text) < 0) { elsewhere.push(text); } });
    });
    tell(elsewhere.join(" "));
  }

  // The check is a validation, which needs the network's token: it is sent as the submit sends it, and
  // until it is typed (or when it is refused) the page says so instead of checking.
  var status = document.getElementById("check-status");
  function tell(text) {
    status.textContent = text || "";
    status.hidden = !text;
  }
  var pending = null;
  function checkSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var data = new FormData(form);
      var token = String(data.get("credential") || "").trim();
      data.delete("credential");
      if (!token) { tell(status.getAttribute("data-needs-token")); return; }
      var headers;
      try {
        headers = new Headers({ "Authorization": "Bearer " + token });
      } catch (error) {  // a token no header can carry: not one that was given out
        tell(status.getAttribute("data-bad-token"));
        return;
      }
      fetch("/sheets/check?lang=" + lang, { method: "POST", body: new URLSearchParams(data), headers: headers })
        .then(function (response) {
          if (response.status === 401) { tell(status.getAttribute("data-bad-token")); return null; }
          tell("");
          return response.ok ? response.json() : null;
        })
        .then(function (answer) { if (answer) { show(answer.errors); } })
        .catch(function () { return null; });
    }, 400);
  }

  form.addEventListener("change", function (event) {
    var div = event.target.closest("[data-field]");
    if (div) { touched[div.getAttribute("data-field")] = true; }
    checkSoon();
  });
  form.addEventListener("input", function (event) {
    var div = event.target.closest("[data-field]");
    if (div) { touched[div.getAttribute("data-field")] = true; }
    checkSoon();
  });
})();
