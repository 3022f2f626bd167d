// Scan a permit's QR code with the phone camera where the browser has BarcodeDetector;
// elsewhere the paste box is the way in.
(function () {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = document.getElementById("scan");
  var video = document.getElementById("camera");
  button.hidden = false;
  button.addEventListener("click", async function () {
    try {
      var detector = new BarcodeDetector({ formats: ["qr_code"] });
      var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream; video.hidden = false; await video.play();
      var tick = async function () {
        var codes = await detector.detect(video).catch(function () { return []; });
        if (codes.length) {
          stream.getTracks().forEach(function (t) { t.stop(); });
          document.getElementById("token").value = codes[0].rawValue;
          document.getElementById("verify-form").submit();
        } else { requestAnimationFrame(tick); }
      };
      tick();
    } catch (e) { button.hidden = true; }
  });
})();
