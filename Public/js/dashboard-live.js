// Live figures for the dashboard. The page is whole without this file; with it, one
// EventSource per tab listens for "something changed under this unit" and the figures are
// fetched again (at most once a second), and the print button appears. EventSource
// reconnects by itself and sends Last-Event-ID, so the server can say what was missed.
(function () {
  var printButton = document.getElementById("dash-print");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  var status = document.getElementById("dash-live");
  var url = status && status.getAttribute("data-stream");
  if (!url || !window.EventSource || !window.fetch) { return; }
  var texts = { on: document.documentElement.lang === "en" ? "Live" : "Đang cập nhật trực tiếp",
                off: document.documentElement.lang === "en" ? "Reconnecting…" : "Đang kết nối lại…",
                at: document.documentElement.lang === "en" ? "Updated" : "Cập nhật lúc" };
  var pending = false, last = 0;
  function refresh() {
    if (pending) { return; }
    var wait = Math.max(0, 1000 - (Date.now() - last));
    pending = true;
    setTimeout(function () {
      last = Date.now();
      var u = new URL(window.location.href);
      u.searchParams.set("part", "figures");
      fetch(u.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("dash-figures"), old = document.getElementById("dash-figures");
          if (fresh && old) {
            old.replaceWith(document.importNode(fresh, true));
            status.textContent = texts.on + " · " + texts.at + " " + new Date().toLocaleTimeString();
          }
        })
        .catch(function () { status.textContent = texts.off; })
        .then(function () { pending = false; });
    }, wait);
  }
  var source = new EventSource(url);
  source.addEventListener("ready", function () { status.textContent = texts.on; status.setAttribute("data-state", "live"); });
  source.addEventListener("change", refresh);
  source.onerror = function () { status.textContent = texts.off; status.setAttribute("data-state", "retry"); };
})();
