// Flashcard reviews: the review page's session and the article's review prompts.
// An area ([data-review-session] or [data-review-prompt]) holds .review-card articles,
// each with a <details> answer and a form of four rating buttons (which also work
// without this script). Here: one card at a time; Space shows the answer and 1-4 rate it
// while the area has the focus; each answer is POSTed to the reviews API with the form's
// CSRF token and a client_id made once per showing, so a double click counts once.
// A card rated Again comes back at the end of the queue.
(function () {
  "use strict";
  var NAMES = { 1: "Again", 2: "Hard", 3: "Good", 4: "Easy" };

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function setUp(area) {
    var session = area.hasAttribute("data-review-session");
    var api = area.getAttribute("data-api");
    var queue = Array.prototype.slice.call(area.querySelectorAll(".review-card"));
    var progress = area.querySelector(".review-progress");
    var summary = area.querySelector(".review-summary");
    var tally = { 1: 0, 2: 0, 3: 0, 4: 0 };
    var answered = 0;
    var busy = false;
    var shownAt = Date.now();

    function parts(card) {
      return {
        answer: card.querySelector(".card-answer"),
        form: card.querySelector(".ratings"),
        status: card.querySelector(".review-status"),
        clientId: card.querySelector("input[name=client_id]"),
        buttons: card.querySelectorAll(".ratings button"),
      };
    }

    function present(card) {
      var p = parts(card);
      p.answer.open = false;
      p.form.hidden = true;
      if (card.hasAttribute("data-answered")) {
        // Shown again after Again: a new answer, so a new client_id.
        p.clientId.value = uuid();
        // The intervals were for the card's state before this session's answer.
        Array.prototype.forEach.call(card.querySelectorAll(".interval"), function (el) { el.remove(); });
      }
      card.hidden = false;
      shownAt = Date.now();
      if (progress && session) {
        progress.textContent = "Card " + (answered + 1) + " of " + (answered + queue.length);
      }
    }

    function showAnswer(card) {
      var p = parts(card);
      p.answer.open = true;
      p.form.hidden = false;
    }

    function finish() {
      if (progress) progress.textContent = "Reviewed " + answered + " card" + (answered === 1 ? "" : "s") + ".";
      if (!summary) return;
      Object.keys(tally).forEach(function (rating) {
        var cell = summary.querySelector('[data-count="' + rating + '"]');
        if (cell) cell.textContent = String(tally[rating]);
      });
      summary.hidden = false;
      summary.querySelector("h2").focus();
    }

    function rate(card, rating) {
      var p = parts(card);
      if (busy || p.form.hidden) return;
      busy = true;
      Array.prototype.forEach.call(p.buttons, function (b) { b.disabled = true; });
      p.status.textContent = "Saving…";
      var token = p.form.querySelector("input[name=csrfmiddlewaretoken]").value;
      fetch(api, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
        body: JSON.stringify({
          flashcard: Number(card.getAttribute("data-flashcard")),
          rating: rating,
          client_id: p.clientId.value,
          duration_ms: Math.min(Date.now() - shownAt, 86400000),
          device: "web",
        }),
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.detail || "The review was not saved.");
            return body;
          });
        })
        .then(function () {
          busy = false;
          Array.prototype.forEach.call(p.buttons, function (b) { b.disabled = false; });
          tally[rating] += 1;
          card.setAttribute("data-answered", "");
          answered += 1;
          p.status.textContent = "Saved: " + NAMES[rating] + (rating === 1 ? ". It comes back later." : ".");
          queue.shift();
          if (rating === 1) queue.push(card);
          if (session) {
            card.hidden = true;
            if (queue.length) present(queue[0]);
            else finish();
          } else if (rating === 1) {
            present(card);
          } else {
            p.form.hidden = true;
          }
          if (queue.length || !session) area.focus();
        })
        .catch(function (error) {
          busy = false;
          Array.prototype.forEach.call(p.buttons, function (b) { b.disabled = false; });
          p.status.textContent = error.message + " Try again.";
        });
    }

    queue.forEach(function (card) {
      var p = parts(card);
      p.form.hidden = true;
      p.answer.addEventListener("toggle", function () {
        if (p.answer.open) p.form.hidden = false;
      });
      p.form.addEventListener("submit", function (event) {
        event.preventDefault();
        var button = event.submitter;
        if (button && button.value) rate(card, Number(button.value));
      });
    });

    area.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || !queue.length) return;
      var card = queue[0];
      if (card.hidden) return;
      if (event.key === " " && !parts(card).answer.open) {
        event.preventDefault();
        showAnswer(card);
      } else if (/^[1-4]$/.test(event.key) && !parts(card).form.hidden) {
        event.preventDefault();
        rate(card, Number(event.key));
      }
    });

    if (queue.length) present(queue[0]);
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("[data-review-session], [data-review-prompt]"),
    setUp
  );
})();
