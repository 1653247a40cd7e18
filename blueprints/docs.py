"""/docs/: the Chinese API reference itself (Swagger UI from the installed package, no CDN).

flask-openapi3's own /docs/ is a page of plugin tiles; a mini-program developer opening the
link on a phone wants the operations at once, so the home page renders Swagger UI directly,
in a light theme that fits a 390 px screen without sideways scrolling.
"""

from __future__ import annotations

from flask import Flask

DOCS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>SiteRoll 工地实名通 · 小程序接口文档</title>
<link rel="icon" href="swagger/images/swagger.svg">
<link rel="stylesheet" href="swagger/css/swagger-ui.css">
<style>
  html { box-sizing: border-box; -webkit-text-size-adjust: 100%; }
  *, *::before, *::after { box-sizing: inherit; }
  body { margin: 0; background: #fff; color: #1f2328;
         font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
  .sr-head { padding: 12px 14px; background: #0b6e4f; color: #fff; }
  .sr-head h1 { margin: 0; font-size: 18px; line-height: 1.4; }
  .sr-head p { margin: 4px 0 0; font-size: 13px; line-height: 1.5; opacity: .92; }
  .sr-head a { color: #fff; }
  .swagger-ui, .swagger-ui .info .title, .swagger-ui .opblock-tag,
  .swagger-ui .opblock .opblock-summary-description, .swagger-ui .markdown p,
  .swagger-ui table, .swagger-ui .btn { font-family: inherit; }
  .swagger-ui .wrapper { padding: 0 10px; max-width: 100%; }
  .swagger-ui .information-container .info { margin: 14px 0; }
  .swagger-ui .info .title { font-size: 20px; }
  .swagger-ui .scheme-container { padding: 10px 0; box-shadow: none; border-bottom: 1px solid #e5e7eb; }
  .swagger-ui .scheme-container .schemes { flex-wrap: wrap; gap: 8px; }
  .swagger-ui .filter-container .filter { padding: 0; }
  .swagger-ui .filter-container .filter, .swagger-ui .filter-container .col-12 { width: 100%; }
  .swagger-ui .filter-container .operation-filter-input { width: 100%; margin: 8px 0; }
  .swagger-ui .opblock-tag { font-size: 17px; padding: 8px 4px; flex-wrap: wrap; }
  .swagger-ui .opblock-tag small { font-size: 13px; padding: 0 0 0 8px; flex: 1 1 100%; }
  .swagger-ui .opblock .opblock-summary { flex-wrap: wrap; padding: 6px; }
  .swagger-ui .opblock .opblock-summary-control { flex-wrap: wrap; min-width: 0; }
  .swagger-ui .opblock .opblock-summary-path { font-size: 13px; overflow-wrap: anywhere;
                                              max-width: calc(100% - 80px); flex: 1 1 auto; }
  .swagger-ui .opblock .opblock-summary-description { flex: 1 1 100%; font-size: 13px;
                                                     margin-top: 4px; word-break: break-word; }
  .swagger-ui .opblock .opblock-summary-operation-id { font-size: 12px; flex: 1 1 100%; }
  .swagger-ui .opblock .opblock-summary-method { min-width: 64px; font-size: 12px; padding: 5px 0; }
  .swagger-ui table { display: block; overflow-x: auto; max-width: 100%; }
  .swagger-ui .parameters-col_description { width: auto; }
  .swagger-ui .responses-inner { padding: 8px; }
  .swagger-ui .response-col_status { width: 56px; }
  .swagger-ui .markdown code, .swagger-ui .renderedMarkdown code { word-break: break-all; }
  .swagger-ui .model-box, .swagger-ui pre { max-width: 100%; overflow-x: auto; }
  .swagger-ui .auth-wrapper { flex-wrap: wrap; }
  .swagger-ui .servers, .swagger-ui .servers label, .swagger-ui .servers select { max-width: 100%; }
  .swagger-ui .schemes-server-container { min-width: 0; }
  @media (max-width: 480px) {
    .swagger-ui .info .title small { display: inline-block; }
    .swagger-ui .opblock-body .opblock-section-header { flex-wrap: wrap; padding: 6px 10px; }
    .swagger-ui .opblock-description-wrapper, .swagger-ui .opblock-external-docs-wrapper,
    .swagger-ui .opblock-title_normal { padding: 8px 10px; }
  }
</style>
</head>
<body>
<header class="sr-head">
  <h1>SiteRoll 工地实名通 · 小程序接口文档</h1>
  <p>点开接口查看参数、返回和可能的错误码。机器可读文档：<a href="openapi.json">openapi.json</a>；
     约定（登录、错误码、幂等、上传、轮询）见仓库 <code>miniprogram_api_docs/README.md</code>。</p>
</header>
<div id="swagger-ui"></div>
<script src="swagger/js/swagger-ui-bundle.js"></script>
<script>
  window.onload = function () {
    window.ui = SwaggerUIBundle({
      url: new URL("openapi.json", window.location.href).href,
      dom_id: "#swagger-ui",
      deepLinking: true,
      layout: "BaseLayout",
      presets: [SwaggerUIBundle.presets.apis],
      docExpansion: "list",
      defaultModelsExpandDepth: -1,
      displayOperationId: true,
      displayRequestDuration: true,
      filter: true,
      persistAuthorization: true,
      tryItOutEnabled: false,
      syntaxHighlight: { activate: true, theme: "agate" },
      // once rendered: tests/test_docs_page.py checks that nothing scrolls sideways
      onComplete: function () {
        setTimeout(function () {  // after fonts and the last layout pass
          var page = document.documentElement;
          document.body.setAttribute("data-overflow-px", Math.max(0, page.scrollWidth - page.clientWidth));
        }, 1000);
      }
    });
  };
</script>
</body>
</html>
"""


def register(app: Flask) -> None:
    # read by flask-openapi3's /docs/ view at request time
    app.config.setdefault("OPENAPI_HTML_STRING", DOCS_PAGE)
