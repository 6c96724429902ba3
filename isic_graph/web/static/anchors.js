// A link to a part of a page that folds (<details>) opens the folds around it and its own.
(function () {
  "use strict";
  function unfold() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) { return; }
    var own = target.querySelector(":scope > details");
    if (own) { own.open = true; }
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", unfold);
  unfold();
}());
