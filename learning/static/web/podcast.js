// The podcast page: the transcript follows the audio, and a segment's time seeks to it.
// Each <li class="segment"> carries data-start and data-end in seconds.
(function () {
  "use strict";
  var audio = document.getElementById("podcast-audio");
  var segments = Array.prototype.slice.call(document.querySelectorAll("#transcript .segment"));
  if (!audio || !segments.length) return;
  var spans = segments.map(function (li) {
    return { li: li, start: parseFloat(li.dataset.start) || 0, end: parseFloat(li.dataset.end) || 0 };
  });
  var current = null;

  function highlight() {
    var t = audio.currentTime;
    var found = null;
    for (var i = 0; i < spans.length; i++) {
      var end = spans[i].end > spans[i].start ? spans[i].end : Infinity;
      if (t >= spans[i].start && t < end) { found = spans[i].li; }
    }
    if (found === current) return;
    if (current) { current.classList.remove("playing"); current.removeAttribute("aria-current"); }
    if (found) { found.classList.add("playing"); found.setAttribute("aria-current", "true"); }
    current = found;
  }

  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);
  spans.forEach(function (span) {
    var button = span.li.querySelector(".seek");
    if (!button) return;
    button.addEventListener("click", function () {
      audio.currentTime = span.start;
      highlight();
      var playing = audio.play();
      if (playing && playing.catch) playing.catch(function () {});
    });
  });
})();
