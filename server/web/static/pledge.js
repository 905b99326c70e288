/* The resident's signature pad: draw with a finger, undo, clear; one submit only. */
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  var form = document.getElementById("pledge-form");
  if (!canvas || !form || typeof SignaturePad === "undefined") { return; }
  var pad = new SignaturePad(canvas, { minWidth: 1.2, maxWidth: 3.2, penColor: "#111" });
  var error = document.getElementById("signature-error");

  function resize() {
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    var data = pad.toData();
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad.clear();
    pad.fromData(data);
  }
  window.addEventListener("resize", resize);
  resize();

  document.getElementById("pad-clear").addEventListener("click", function () { pad.clear(); });
  document.getElementById("pad-undo").addEventListener("click", function () {
    var data = pad.toData();
    if (data.length) { data.pop(); pad.fromData(data); }
  });

  form.addEventListener("submit", function (event) {
    var button = document.getElementById("pledge-submit");
    if (button.disabled) { event.preventDefault(); return; }
    if (pad.isEmpty()) {
      event.preventDefault();
      error.textContent = "请先在框内签名";
      error.hidden = false;
      return;
    }
    if (!document.getElementById("consent").checked) {
      event.preventDefault();
      error.textContent = "请阅读并勾选同意个人信息说明";
      error.hidden = false;
      return;
    }
    document.getElementById("signature-data").value = pad.toDataURL("image/png");
    button.disabled = true;           /* a second tap does nothing; the form key makes a resend harmless */
    button.textContent = "正在提交…";
  });
})();
