/* A background job's page: poll its progress every 1.5 s, move the bar, and reload once it has finished. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector(".qd-job__bar");
  var fill = box.querySelector(".qd-job__fill");
  function text(id, value) {
    var node = box.querySelector('[data-testid="' + id + '"]');
    if (node) { node.textContent = value; }
  }
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { setTimeout(poll, 5000); return; }
      var job = JSON.parse(request.responseText);
      if (job.finished) { window.location.reload(); return; }
      fill.style.width = job.percent + "%";
      bar.setAttribute("aria-valuenow", job.percent);
      text("job-status", job.status_label);
      text("job-done", job.done);
      text("job-total", job.total || "…");
      text("job-percent", job.percent);
      setTimeout(poll, 1500);
    };
    request.onerror = function () { setTimeout(poll, 5000); };
    request.send();
  }
  setTimeout(poll, 1000);
}());
