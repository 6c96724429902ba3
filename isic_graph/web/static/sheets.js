// The collection-sheet form: more lesson blocks on demand, and each field checked against the shapes
// as the user goes (the server's /sheets/check, the same shapes as on submit). Without JavaScript the
// form still works: it is checked on submit.
(function () {
  "use strict";
  var form = document.getElementById("sheet");
  if (!form) { return; }
  var lang = document.documentElement.lang || "fr";
  var touched = {};

  var add = document.getElementById("add-lesson");
  add.hidden = false;
  add.addEventListener("click", function () {
    var blocks = document.querySelectorAll("#lessons fieldset.lesson");
    var last = blocks[blocks.length - 1];
    var index = Number(last.getAttribute("data-index")) + 1;
    var copy = last.cloneNode(true);
    copy.setAttribute("data-index", String(index));
    copy.querySelectorAll("input[type=hidden]").forEach(function (el) { el.remove(); });  // a new lesson, not a copy
    copy.querySelector("legend").textContent = copy.querySelector("legend").textContent.replace(/\d+$/, String(index + 1));
    copy.querySelectorAll("[name],[id],[for],[data-field],[aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "data-field", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/lesson\.\d+\./g, "lesson." + index + ".")); }
      });
      if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") { el.value = ""; }
      if (el.tagName === "SELECT") { Array.prototype.forEach.call(el.options, function (o) { o.selected = false; }); }
    });
    copy.querySelectorAll(".errors").forEach(function (ul) { ul.innerHTML = ""; });
    copy.querySelectorAll(".invalid").forEach(function (div) { div.classList.remove("invalid"); });
    document.getElementById("lessons").appendChild(copy);
  });

  // The blocks of partners, fundings, organisations and territories: one more on demand, as for lessons.
  document.querySelectorAll("button[data-add]").forEach(function (button) {
    var kind = button.getAttribute("data-add");
    var pattern = new RegExp(kind + "\\.\\d+(\\.|$)", "g");
    button.hidden = false;
    button.addEventListener("click", function () {
      var holder = document.getElementById(kind + "-blocks");
      var blocks = holder.querySelectorAll("fieldset.block");
      var last = blocks[blocks.length - 1];
      var index = Number(last.getAttribute("data-index")) + 1;
      var copy = last.cloneNode(true);
      copy.setAttribute("data-index", String(index));
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
    });
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
  }

  var pending = null;
  function checkSoon() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      var data = new FormData(form);
      data.delete("credential");
      fetch("/sheets/check?lang=" + lang, { method: "POST", body: new URLSearchParams(data) })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) { show(answer.errors); } });
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
