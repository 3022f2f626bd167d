// Asks before a destructive form is sent (revoking a token, moving a branch).
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { e.preventDefault(); }
});

// Moving an org moves its whole branch: ask only when the parent actually changes.
document.addEventListener("submit", function (e) {
  var form = e.target;
  var question = form.getAttribute("data-confirm-move");
  var parent = form.querySelector("select[name=parentId]");
  if (question && parent && parent.value !== parent.getAttribute("data-initial") && !window.confirm(question)) {
    e.preventDefault();
  }
});
document.querySelectorAll("select[name=parentId]").forEach(function (s) { s.setAttribute("data-initial", s.value); });
