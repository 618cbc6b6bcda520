// Loaded at the end of every page, after the design system's script.
(function () {
  var root = document.documentElement;
  // If the design system's script did not load, fall back to the no-JavaScript layout.
  if (!window.uswdsPresent) { root.className = root.className.replace(/\bjs\b/, "no-js"); }
  // Move keyboard and screen reader focus to a form's error summary.
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }
})();
