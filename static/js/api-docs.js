// The browsable API page: Swagger UI (vendored under static/vendor/swagger-ui/) reads our
// OpenAPI document. Loaded as a file, never inline, so the page keeps its strict CSP.
(function () {
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      domNode: node,
      deepLinking: true,
      // No call to the public validator: the page talks to this site only.
      validatorUrl: null,
      tryItOutEnabled: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
