// The API page: the reference is plain HTML; Swagger UI (vendored under
// static/vendor/swagger-ui/) is loaded only when the visitor asks to try the API, from files
// of this site (never inline), so the page keeps its strict CSP.
(function () {
  function load(node, button) {
    button.disabled = true;
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = node.getAttribute("data-stylesheet");
    document.head.appendChild(style);
    var script = document.createElement("script");
    script.src = node.getAttribute("data-script");
    script.onload = function () {
      button.remove();
      window.SwaggerUIBundle({
        url: node.getAttribute("data-schema-url"),
        domNode: node,
        // No call to the public validator: the page talks to this site only.
        validatorUrl: null,
        tryItOutEnabled: true,
      });
    };
    script.onerror = function () {
      button.disabled = false;
    };
    document.head.appendChild(script);
  }
  function start() {
    var node = document.getElementById("swagger-ui");
    var button = document.getElementById("try-api");
    if (!node || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () { load(node, button); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
