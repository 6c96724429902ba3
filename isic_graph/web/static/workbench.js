// The query workbench: YASGUI on this server's /sparql, completing the ontology's terms (nothing is
// fetched from elsewhere), the competency questions as examples, the scope, downloads, and the
// server's note when a result was cut at its limit.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("workbench-data").textContent);
  var scope = document.getElementById("scope");

  // completion from the ontology, in place of the Linked Open Vocabularies look-ups
  var completers = Yasgui.Yasqe.Autocompleters;
  [["class", data.terms.classes], ["property", data.terms.properties]].forEach(function (pair) {
    if (completers[pair[0]]) {
      completers[pair[0]].bulk = true;
      completers[pair[0]].persistenceId = null;
      completers[pair[0]].get = function () { return pair[1]; };
    }
  });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    copyEndpointOnNewTab: false,
    persistenceId: "isic-graph-workbench-" + data.lang,  // one set of tabs per language: their names are in it
    tabName: data.tab,
    requestConfig: {
      endpoint: new URL("/sparql", window.location.href).href,
      method: "POST",
      args: [{ name: "scope", value: scope.value }],
    },
    yasqe: { value: data.start, prefixCcApi: null },
    endpointCatalogueOptions: { getData: function () { return []; } },
  });

  function tab() { return yasgui.getTab(); }

  function useScope() { tab().setRequestConfig({ args: [{ name: "scope", value: scope.value }] }); }
  scope.addEventListener("change", useScope);
  yasgui.on("tabSelect", function () { window.setTimeout(useScope, 0); });
  useScope();

  document.querySelectorAll("[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = data.examples[Number(button.getAttribute("data-example"))];
      tab().setQuery(example.query);
      tab().getYasqe().query();
    });
  });

  document.querySelectorAll("[data-download]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/sparql";
      var fields = { query: tab().getQuery(), scope: scope.value, format: button.getAttribute("data-download") };
      Object.keys(fields).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = fields[name];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
      form.remove();
    });
  });

  var note = document.getElementById("truncated");
  yasgui.on("queryResponse", function (_yasgui, _tab, response) {
    var headers = (response && response.headers) || {};
    var cut = headers["isic-result-truncated"] === "true";
    note.style.display = cut ? "block" : "none";
    document.getElementById("limit").textContent = headers["isic-result-limit"] || "";
  });
  // result links: only http(s) addresses are followed; an IRI such as javascript:… or data:… stays text
  var results = document.getElementById("yasgui");
  function disarm() {
    results.querySelectorAll("a[href]").forEach(function (a) {
      if (a.protocol !== "http:" && a.protocol !== "https:") { a.removeAttribute("href"); }
    });
  }
  new MutationObserver(disarm).observe(results, { childList: true, subtree: true });
  disarm();

  window.isicWorkbench = yasgui;  // for the browser tests
})();
