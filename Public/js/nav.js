// The menu works without this file (<details> opens and closes by itself). With it, one
// group is open at a time, and Escape or a click elsewhere closes it, as a menu should.
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll("#nav details.group"));
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () {
      if (g.open) { groups.forEach(function (o) { if (o !== g) { o.open = false; } }); }
    });
  });
  function closeAll(focusSummary) {
    groups.forEach(function (g) {
      if (g.open) { g.open = false; if (focusSummary) { g.querySelector("summary").focus(); } }
    });
  }
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeAll(true); } });
  document.addEventListener("click", function (e) { if (!e.target.closest || !e.target.closest("#nav")) { closeAll(false); } });
})();
