// Print buttons (data-print): the page's own print CSS does the rest. Without JavaScript the
// browser's print menu prints the same page.
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
