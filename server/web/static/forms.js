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
  // An input with data-from-fragment="NAME" takes its value from the address's #NAME=… (an invite card's QR code
  // opens /w/login#code=…; the part after # never reaches the server), which is then dropped from the history.
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("[data-from-fragment]");
    if (!input || !window.location.hash) return;
    var params = new URLSearchParams(window.location.hash.slice(1));
    var value = params.get(input.getAttribute("data-from-fragment"));
    if (value) {
      input.value = value;
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  });
  // Lets WeUI's :active styles show on touch screens (what <body ontouchstart> did).
  document.addEventListener("touchstart", function () {}, { passive: true });
})();
