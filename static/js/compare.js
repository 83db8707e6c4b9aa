// Progressive enhancement for the compare form: clean permalinks, live results, copy link.
// Without JavaScript the GET form does all of this with a full page load.
(function () {
  "use strict";

  var WIDE = window.matchMedia("(min-width: 1200px)");

  function queryFrom(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") params.append(key, value);
    });
    return params.toString();
  }

  function bindCopy(root) {
    root.querySelectorAll(".copy-link").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copyTarget);
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = "Link copied";
          setTimeout(function () { button.textContent = "Copy link"; }, 2000);
        });
      });
    });
  }

  // The server's own permalink (normalised order, nothing left on "Auto") once it answered.
  function permalinkIn(root, fallback) {
    var input = root.querySelector("#permalink");
    if (!input) return fallback;
    try {
      var url = new URL(input.value, window.location.href);
      return url.pathname + url.search;
    } catch (error) {
      return fallback;
    }
  }

  // A short sentence for screen readers: the whole results region would be too much to hear.
  function summary(root) {
    var errors = root.querySelector(".errors-summary");
    if (errors) return "Please check your requirements: " + errors.querySelector("li").textContent;
    var heading = root.querySelector("#verdict-heading");
    var score = root.querySelector(".verdict-score-value");
    if (!heading) return "Results updated.";
    var text = "Results updated. " + heading.textContent.trim();
    return score ? text + " leads with " + score.textContent.trim() + " out of 100." : text + ".";
  }

  // Each weight's "Auto (N)" names what the chosen project type gives it. The server writes
  // it for the type in the address; the live results do not re-render the form, so follow
  // the select here, from the weights each of its options carries (the same words as
  // forms.weight_choices).
  function followProjectType(form) {
    var select = form.querySelector("select[name=use_case]");
    if (!select) return;
    function relabel() {
      var option = select.options[select.selectedIndex];
      if (!option || !option.dataset.autoWeights) return;
      var weights = JSON.parse(option.dataset.autoWeights);
      Object.keys(weights).forEach(function (slug) {
        var input = form.querySelector('input[name="w-' + slug + '"][value=""]');
        var label = input && form.querySelector('label[for="' + input.id + '"]');
        if (label) label.textContent = "Auto (" + weights[slug] + ")";
      });
    }
    select.addEventListener("change", relabel);
    relabel();  // a browser may restore another type than the page was written for
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("compare-form");
    var results = document.getElementById("results");
    var status = document.getElementById("results-status");
    var panel = document.getElementById("form-panel");
    bindCopy(document);
    if (!form) return;
    followProjectType(form);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = queryFrom(form);
      window.location.assign(form.action + (query ? "?" + query : ""));
    });

    if (!results) return;  // live updates only where results are shown
    // Side by side on wide screens, the answers stay in view while the ranking follows them.
    if (panel && WIDE.matches) panel.open = true;
    form.querySelectorAll(".live-hint").forEach(function (hint) { hint.hidden = false; });

    var pending = null;
    var timer = null;
    function refresh() {
      var query = queryFrom(form);
      var url = form.action + (query ? "?" + query : "");
      if (pending) pending.abort();
      pending = new AbortController();
      results.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Partial": "results" }, signal: pending.signal })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          results.innerHTML = html;
          results.removeAttribute("aria-busy");
          bindCopy(results);
          window.history.replaceState(null, "", permalinkIn(results, url));
          if (status) status.textContent = summary(results);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            results.removeAttribute("aria-busy");
            form.submit();  // the network hiccupped: fall back to a plain page load
          }
        });
    }
    form.addEventListener("change", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
  });
})();
