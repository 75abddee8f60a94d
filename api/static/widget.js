/*! Vigie widget — the one-tag embed for a youth worker's site.
 *
 * Embed:  <script src="https://HOST/widget.js" data-class="CODE" async></script>
 *
 * Adds a « Discuter avec Vigie » button; it opens a panel holding an iframe of HOST/embed, the
 * chat served from Vigie's own origin. The conversation lives in that frame only: this script
 * never sees what a learner types, what Vigie answers, nor the session token, and it stores
 * nothing in the host page. Only three signals cross the frame's edge: "ready" and "close" from
 * the frame, "focus" to it. Lives in a shadow root, so the host page's CSS cannot hide or
 * restyle the button and panel. Vanilla ES2017, no build step, no external request.
 */
(function () {
  "use strict";

  var UI = {
    launcher: "Discuter avec Vigie",
    launcherSub: "Vérifie une info",
    region: "Chat Vigie",
    dialog: "Vigie",
    frameTitle: "Chat Vigie : entraîne-toi à vérifier une info",
    blocked: "Vigie ne s'affiche pas dans cette page.",
    openTab: "Ouvrir Vigie dans un nouvel onglet",
  };
  var CLASS_PATTERN = /^[A-Z0-9]{4,16}$/;
  var READY_WAIT_MS = 10000; // no "ready" from the frame by then: offer a link instead

  var CSS = [
    ":host { all: initial !important; display: block !important; position: static !important;",
    "  visibility: visible !important; opacity: 1 !important; transform: none !important;",
    "  filter: none !important; contain: none !important; }",
    ".vigie { all: initial; display: block; box-sizing: border-box; color: #1a1a1a;",
    "  font: 16px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif;",
    "  text-align: left; -webkit-text-size-adjust: 100%; }",
    ".vigie *, .vigie *::before, .vigie *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    "button { font: inherit; margin: 0; cursor: pointer; }",
    ":focus { outline: none; }",
    ":focus-visible { outline: 3px solid #111111; outline-offset: 2px; box-shadow: 0 0 0 2px #ffffff; }",
    ".launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: flex;",
    "  align-items: center; gap: 10px; min-height: 56px; padding: 8px 18px 8px 12px; border: 2px solid #ffffff;",
    "  border-radius: 28px; background: #1d3a6e; color: #ffffff; box-shadow: 0 4px 14px rgba(0,0,0,.35);",
    "  font-weight: 700; text-align: left; }",
    ".launcher:hover { background: #2a4f8f; }",
    ".launcher .icon { font-size: 24px; line-height: 1; }",
    ".launcher .sub { display: block; font-weight: 400; font-size: 14px; }",
    ".panel { position: fixed; right: 16px; bottom: 84px; z-index: 2147483001; display: flex;",
    "  flex-direction: column; width: min(400px, calc(100vw - 32px)); height: min(620px, calc(100vh - 104px));",
    "  background: #ffffff; border: 1px solid #5b6576; border-radius: 12px; overflow: hidden;",
    "  box-shadow: 0 10px 30px rgba(0,0,0,.35); }",
    ".panel iframe { display: block; flex: 1; width: 100%; min-height: 0; border: 0; background: #ffffff; }",
    ".blocked { margin: 0; padding: 10px 12px; background: #fff4e5; color: #1a1a1a; border-bottom: 1px solid #a15c00; }",
    ".blocked a { color: #1d3a6e; text-decoration: underline; font-weight: 700; }",
    "@media (prefers-reduced-motion: no-preference) {",
    "  .panel:not([hidden]) { animation: vigie-open .16s ease-out; }",
    "  @keyframes vigie-open { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }",
    "}",
    "@media (max-width: 480px) {",
    "  .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; }",
    "}",
    "@media (forced-colors: active) {",
    "  .launcher, .panel { border: 2px solid ButtonText; }",
    "}",
  ].join("\n");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function classCode(script) {
    var code = script.getAttribute("data-class");
    if (!code) return null;
    var clean = String(code).trim().toUpperCase();
    if (CLASS_PATTERN.test(clean)) return clean;
    console.warn("Vigie : code de classe ignoré (format inattendu) :", code);
    return null;
  }

  function mount(script) {
    var base = new URL(".", script.src);
    var frameUrl = new URL("embed", base);
    var pageUrl = new URL(".", base);
    var code = classCode(script);
    if (code) {
      frameUrl.searchParams.set("classe", code);
      pageUrl.searchParams.set("classe", code);
    }

    var host = el("div");
    host.setAttribute("data-vigie-widget", "floating");
    host.setAttribute("lang", "fr");
    host.setAttribute("dir", "ltr");
    document.body.appendChild(host);
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      // Constructable stylesheet: allowed by a host page's strict CSP (no inline <style>).
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", null, CSS));
    }

    var shell = el("aside", "vigie");
    shell.setAttribute("aria-label", UI.region);
    var launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "vigie-panel");
    var icon = el("span", "icon", "💬");
    icon.setAttribute("aria-hidden", "true");
    var label = el("span", "label", UI.launcher);
    var sub = el("span", "sub", UI.launcherSub);
    sub.setAttribute("aria-hidden", "true");
    label.appendChild(sub);
    launcher.appendChild(icon);
    launcher.appendChild(label);

    var panel = el("div", "panel");
    panel.id = "vigie-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-label", UI.dialog);
    panel.hidden = true;
    var blocked = el("p", "blocked", UI.blocked + " ");
    var link = el("a", null, UI.openTab);
    link.href = pageUrl.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    blocked.appendChild(link);
    blocked.hidden = true;
    panel.appendChild(blocked);
    shell.appendChild(launcher);
    shell.appendChild(panel);
    root.appendChild(shell);

    var frame = null;
    var ready = false;
    var wantFocus = false;

    function focusFrame() {
      if (!ready || !wantFocus) return;
      wantFocus = false;
      frame.focus();
      frame.contentWindow.postMessage({ type: "vigie:focus" }, frameUrl.origin);
    }

    // The frame is made at the first opening only: a page nobody chats on loads nothing more.
    function makeFrame() {
      frame = el("iframe");
      frame.title = UI.frameTitle;
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox");
      frame.referrerPolicy = "no-referrer";
      frame.src = frameUrl.href;
      panel.appendChild(frame);
      setTimeout(function () { if (!ready) blocked.hidden = false; }, READY_WAIT_MS);
    }

    function open() {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      if (!frame) makeFrame();
      wantFocus = true;
      focusFrame();
    }

    function close() {
      if (panel.hidden) return;
      panel.hidden = true;
      wantFocus = false;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    window.addEventListener("message", function (event) {
      if (!frame || event.source !== frame.contentWindow || event.origin !== frameUrl.origin) return;
      var type = event.data && event.data.type;
      if (type === "vigie:ready") {
        ready = true;
        blocked.hidden = true;
        focusFrame();
      } else if (type === "vigie:close") {
        close();
      }
    });
    launcher.addEventListener("click", function () {
      if (panel.hidden) open();
      else close();
    });
    shell.addEventListener("keydown", function (event) {
      if ((event.key === "Escape" || event.key === "Esc") && !panel.hidden) {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });
  }

  var script = document.currentScript;
  if (!script || !script.src || document.querySelector("[data-vigie-widget]")) return;
  if (document.body) mount(script);
  else document.addEventListener("DOMContentLoaded", function () { mount(script); });
})();
