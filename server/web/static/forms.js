/* Behaviour every page shares, without inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  // A form with data-confirm asks before it is sent.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  }, true);
  // A select with data-autosubmit sends its form as soon as it changes.
  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) event.target.form.submit();
  });
  // Lets WeUI's :active styles show on touch screens (what <body ontouchstart> did).
  document.addEventListener("touchstart", function () {}, { passive: true });
})();
