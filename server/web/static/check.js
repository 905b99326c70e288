// The re-visit form (复核): the checker's position, taken when the page opens, goes with the answers.
(function () {
  var shown = document.getElementById("check-gps");
  if (!shown) return;
  if (!navigator.geolocation) { shown.textContent = "此手机无法定位，可直接提交"; return; }
  navigator.geolocation.getCurrentPosition(function (position) {
    document.getElementById("check-lat").value = position.coords.latitude.toFixed(6);
    document.getElementById("check-lng").value = position.coords.longitude.toFixed(6);
    shown.textContent = "已定位（精度约 " + Math.round(position.coords.accuracy) + " 米）";
  }, function () { shown.textContent = "未能定位，可直接提交"; }, { enableHighAccuracy: true, timeout: 10000 });
})();
