/*! Vigie web chat — one script for the embeddable widget and the full-page chat at "/".
 *
 * Embed:      <script src="https://HOST/widget.js" data-class="CODE" async></script>
 * Full page:  <script src="/widget.js" data-mode="page" data-target="ID" defer></script>
 *             (the class code then also comes from "?classe=CODE" in the page address)
 * Script API: window.Vigie.mount({ mode, target, classCode, apiBase }) → controller
 *
 * Talks only to <script origin>/chat/session and <script origin>/chat (CONTRACTS §4), never to
 * Rasa. Renders every bot or user text with textContent / text nodes, never innerHTML. Lives in
 * an open shadow root, so the host page's CSS cannot reach it (and its CSS cannot leak out).
 * Vanilla ES2017, no build step, no dependency, no external request.
 */
(function () {
  "use strict";

  // ---- French UI chrome (the conversation itself comes from the bot) -----------------------
  var UI = {
    launcher: "Discuter avec Vigie",
    launcherSub: "Vérifie une info",
    title: "Vigie",
    pageTitle: "Conversation avec Vigie",
    region: "Chat Vigie",
    subtitle: "Entraîne-toi à vérifier une info avant de la partager",
    close: "Fermer le chat",
    log: "Messages de la conversation",
    inputLabel: "Ton message",
    placeholder: "Écris ici… (ex. : salut)",
    send: "Envoyer",
    sending: "Envoi…",
    typing: "Vigie écrit…",
    retrying: "Connexion lente, nouvel essai…",
    choices: "Réponses possibles",
    bot: "Vigie : ",
    you: "Toi : ",
    welcome: "Bienvenue ! Dis bonjour pour commencer, ou écris ta question.",
    hello: "👋 Dire bonjour",
    helloText: "Salut !",
    helloPayload: "salut",
    offline: "Je n'arrive pas à joindre Vigie. Vérifie ta connexion internet, puis renvoie ton message.",
    timeout: "Vigie met trop de temps à répondre. Renvoie ton message dans un petit moment.",
    invalid: "Ce message n'a pas pu être envoyé : il est vide ou trop long (2 000 caractères au maximum).",
    failed: "Oups, quelque chose n'a pas marché. Réessaie dans un moment.",
    imageAlt: "Image envoyée par Vigie",
    newTab: " (s'ouvre dans un nouvel onglet)",
  };
  // The bot describes each picture in a text message that starts with this sign (domain.yml,
  // utter_item_image): the widget uses that description as the picture's alt text.
  var IMAGE_DESCRIPTION_SIGN = "🖼️";
  var MAX_CHARS = 2000;
  var TIMEOUT_MS = 45000;
  var RETRY_DELAY_MS = 1200;
  var CLASS_PATTERN = /^[A-Z0-9]{4,16}$/;

  var CSS = [
    ":host { all: initial !important; display: block !important; position: static !important;",
    "  visibility: visible !important; opacity: 1 !important; transform: none !important;",
    "  filter: none !important; contain: none !important; }",
    ".vigie { all: initial; display: block; box-sizing: border-box; color: #1a1a1a;",
    "  font: 16px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif;",
    "  text-align: left; -webkit-text-size-adjust: 100%; }",
    ".vigie *, .vigie *::before, .vigie *::after { box-sizing: border-box; }",
    "[hidden] { display: none !important; }",
    ".sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;",
    "  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }",
    "button, input { font: inherit; color: inherit; margin: 0; }",
    "button { cursor: pointer; }",
    ":focus { outline: none; }",
    ":focus-visible { outline: 3px solid #111111; outline-offset: 2px; box-shadow: 0 0 0 2px #ffffff; }",
    ".log:focus-visible { outline-offset: -3px; box-shadow: inset 0 0 0 5px #ffffff; }",
    ".launcher { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; display: flex;",
    "  align-items: center; gap: 10px; min-height: 56px; padding: 8px 18px 8px 12px; border: 2px solid #ffffff;",
    "  border-radius: 28px; background: #1d3a6e; color: #ffffff; box-shadow: 0 4px 14px rgba(0,0,0,.35);",
    "  font-weight: 700; text-align: left; }",
    ".launcher:hover { background: #2a4f8f; }",
    ".launcher .icon { font-size: 24px; line-height: 1; }",
    ".launcher .sub { display: block; font-weight: 400; font-size: 14px; }",
    ".panel { display: flex; flex-direction: column; background: #ffffff; color: #1a1a1a;",
    "  border: 1px solid #5b6576; border-radius: 12px; overflow: hidden; overflow: clip; }",
    ".vigie.floating .panel { position: fixed; right: 16px; bottom: 84px; z-index: 2147483001;",
    "  width: min(400px, calc(100vw - 32px)); height: min(620px, calc(100vh - 104px));",
    "  box-shadow: 0 10px 30px rgba(0,0,0,.35); }",
    ".vigie.page .panel { height: max(420px, 75vh); }",
    ".head { display: flex; align-items: flex-start; gap: 8px; padding: 10px 12px 10px 16px;",
    "  background: #1d3a6e; color: #ffffff; }",
    ".head .titles { flex: 1; min-width: 0; }",
    ".head h2 { margin: 0; font-size: 18px; line-height: 1.3; font-weight: 700; }",
    ".head p { margin: 2px 0 0; font-size: 14px; }",
    ".close { flex: none; width: 44px; height: 44px; border: 2px solid #ffffff; border-radius: 8px;",
    "  background: transparent; color: #ffffff; font-size: 24px; line-height: 1; }",
    ".close:hover { background: #2a4f8f; }",
    ".log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column;",
    "  gap: 8px; background: #f5f7fb; overscroll-behavior: contain; }",
    ".msg { max-width: 88%; margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;",
    "  overflow-wrap: anywhere; }",
    ".msg.bot { align-self: flex-start; background: #ffffff; border: 1px solid #8a94a6;",
    "  border-bottom-left-radius: 4px; }",
    ".msg.me { align-self: flex-end; background: #1d3a6e; color: #ffffff; border-bottom-right-radius: 4px; }",
    ".msg.note { align-self: stretch; max-width: none; background: #fff4e5; border: 1px solid #a15c00;",
    "  color: #1a1a1a; border-radius: 8px; }",
    ".msg.note::before { content: '⚠️ '; }",
    ".msg a { color: #1d3a6e; text-decoration: underline; }",
    ".msg.me a { color: #ffffff; }",
    "figure.msg { padding: 6px; }",
    "figure.msg img { display: block; max-width: 100%; height: auto; border-radius: 8px; background: #e6e9ef; }",
    "figure.msg figcaption { padding: 6px 6px 2px; font-size: 15px; }",
    ".choices { display: flex; flex-wrap: wrap; gap: 6px; align-self: flex-start; max-width: 100%; }",
    ".choice { min-height: 44px; padding: 8px 14px; border: 2px solid #1d3a6e; border-radius: 22px;",
    "  background: #ffffff; color: #1d3a6e; font-weight: 600; text-align: left; overflow-wrap: anywhere; }",
    ".choice:hover:not(:disabled) { background: #e8eef8; }",
    ".choice:disabled { cursor: default; border-color: #8a94a6; color: #4a5260; background: #eceef2; }",
    ".status { min-height: 22px; margin: 0; padding: 2px 16px; font-size: 14px; color: #3d4350;",
    "  background: #ffffff; border-top: 1px solid #c5cbd6; }",
    ".status:empty { padding: 0; min-height: 0; border-top: 0; }",
    ".dots { display: inline-block; margin-right: 6px; }",
    ".dots span { display: inline-block; width: 6px; height: 6px; margin-right: 3px; border-radius: 50%;",
    "  background: #3d4350; animation: vigie-blink 1.2s infinite ease-in-out; }",
    ".dots span:nth-child(2) { animation-delay: .2s; } .dots span:nth-child(3) { animation-delay: .4s; }",
    "@keyframes vigie-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }",
    ".form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #c5cbd6; background: #ffffff; }",
    ".form input { flex: 1; min-width: 0; min-height: 44px; padding: 8px 10px; border: 2px solid #5b6576;",
    "  border-radius: 8px; background: #ffffff; color: #1a1a1a; }",
    ".form input::placeholder { color: #5b6576; opacity: 1; }",
    ".send { min-height: 44px; padding: 8px 16px; border: 2px solid #1d3a6e; border-radius: 8px;",
    "  background: #1d3a6e; color: #ffffff; font-weight: 700; }",
    ".send:hover { background: #2a4f8f; }",
    ".send[aria-disabled='true'] { background: #5b6576; border-color: #5b6576; cursor: progress; }",
    "@media (prefers-reduced-motion: no-preference) {",
    "  .vigie.floating .panel:not([hidden]) { animation: vigie-open .16s ease-out; }",
    "  @keyframes vigie-open { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }",
    "}",
    "@media (prefers-reduced-motion: reduce) {",
    "  .dots span { animation: none; opacity: 1; }",
    "  * { animation: none !important; transition: none !important; scroll-behavior: auto !important; }",
    "}",
    "@media (max-width: 480px) {",
    "  .vigie.floating .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; }",
    "}",
    "@media (forced-colors: active) {",
    "  .launcher, .send, .choice, .close, .msg { border: 2px solid ButtonText; }",
    "}",
  ].join("\n");

  // ---- small helpers -------------------------------------------------------------------------
  var counter = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  var memoryStore = {};
  var store = {
    get: function (key) {
      try { return window.localStorage.getItem(key); } catch (e) { return memoryStore[key] || null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { memoryStore[key] = value; }
    },
    remove: function (key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* storage blocked */ }
      delete memoryStore[key];
    },
  };

  function normaliseClass(code) {
    if (!code) return null;
    var clean = String(code).trim().toUpperCase();
    if (CLASS_PATTERN.test(clean)) return clean;
    console.warn("Vigie : code de classe ignoré (format inattendu) :", code);
    return null;
  }

  // Text with its http(s) links made clickable, built from text nodes only (no HTML parsing).
  function appendLinkified(parent, text) {
    var pattern = /https?:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", null, match[0]);
      link.href = match[0];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", "sr-only", UI.newTab));
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function safeImageUrl(url, base) {
    try {
      var parsed = new URL(String(url), base);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function describes(message) {
    return (
      message && typeof message.text === "string" && !message.image &&
      message.text.indexOf(IMAGE_DESCRIPTION_SIGN) === 0
    );
  }

  function descriptionText(message) {
    var text = message.text.slice(IMAGE_DESCRIPTION_SIGN.length).trim();
    var colon = text.indexOf(":");
    return colon >= 0 && colon < 40 ? text.slice(colon + 1).trim() : text;
  }

  // ---- the API conversation: session, one retry on network error, 401 → new session ---------
  function Conversation(apiBase, classCode) {
    this.apiBase = apiBase;
    this.classCode = classCode;
    this.key = "vigie-session:" + apiBase + ":" + (classCode || "-");
  }

  Conversation.prototype.post = function (path, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(this.apiBase + path, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined,
    }).then(
      function (response) { clearTimeout(timer); return response; },
      function (error) {
        clearTimeout(timer);
        var failure = new Error(error && error.name === "AbortError" ? "timeout" : "network");
        failure.kind = failure.message;
        throw failure;
      }
    );
  };

  // One retry after a network error (never after a timeout: the message may have arrived).
  Conversation.prototype.postWithRetry = function (path, body, onRetry) {
    var self = this;
    return self.post(path, body).catch(function (error) {
      if (error.kind !== "network") throw error;
      if (onRetry) onRetry();
      return sleep(RETRY_DELAY_MS).then(function () { return self.post(path, body); });
    });
  };

  Conversation.prototype.session = function (onRetry) {
    var self = this;
    var token = store.get(self.key);
    if (token) return Promise.resolve(token);
    var ask = function (code) {
      return self.postWithRetry("chat/session", code ? { class_code: code } : {}, onRetry);
    };
    return ask(self.classCode).then(function (response) {
      if (response.status === 404 && self.classCode) {
        console.warn("Vigie : code de classe inconnu, la conversation continue sans classe.");
        return ask(null);
      }
      return response;
    }).then(function (response) {
      if (response.status !== 201) throw Object.assign(new Error("session"), { kind: "failed" });
      return response.json();
    }).then(function (body) {
      store.set(self.key, body.session_id);
      return body.session_id;
    });
  };

  Conversation.prototype.forget = function () {
    store.remove(this.key);
  };

  // Resolves to { messages, unavailable } or rejects with an error whose `kind` is
  // "network" | "timeout" | "invalid" | "failed".
  Conversation.prototype.exchange = function (message, onRetry) {
    var self = this;
    var attempt = function (renewed) {
      return self.session(onRetry).then(function (token) {
        return self.postWithRetry("chat", { session_id: token, message: message }, onRetry);
      }).then(function (response) {
        if (response.status === 401 && !renewed) {
          self.forget();
          return attempt(true);
        }
        if (response.status === 200 || response.status === 503) {
          return response.json().then(function (body) {
            return { messages: Array.isArray(body) ? body : [], unavailable: response.status === 503 };
          });
        }
        var kind = response.status === 422 ? "invalid" : "failed";
        throw Object.assign(new Error(kind), { kind: kind });
      });
    };
    return attempt(false);
  };

  // ---- the view ------------------------------------------------------------------------------
  function mount(options) {
    options = options || {};
    var mode = options.mode === "page" ? "page" : "floating";
    var apiBase = String(options.apiBase || new URL("/", window.location.href).href);
    if (apiBase.charAt(apiBase.length - 1) !== "/") apiBase += "/";
    var classCode = normaliseClass(options.classCode);
    var conversation = new Conversation(apiBase, classCode);
    var id = "vigie-" + ++counter;

    var host = options.target || el("div");
    if (!options.target) document.body.appendChild(host);
    host.setAttribute("data-vigie-widget", mode);
    host.setAttribute("lang", "fr");
    host.setAttribute("dir", "ltr");
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    while (root.firstChild) root.removeChild(root.firstChild);
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      // Constructable stylesheet: allowed by a host page's strict CSP (no inline <style>).
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", null, CSS));
    }

    var shell = el(mode === "floating" ? "aside" : "div", "vigie " + mode);
    shell.setAttribute("lang", "fr");
    if (mode === "floating") shell.setAttribute("aria-label", UI.region);
    root.appendChild(shell);

    var launcher = null;
    if (mode === "floating") {
      launcher = el("button", "launcher");
      launcher.type = "button";
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-controls", id + "-panel");
      var icon = el("span", "icon", "💬");
      icon.setAttribute("aria-hidden", "true");
      var label = el("span", "label", UI.launcher);
      var sub = el("span", "sub", UI.launcherSub);
      sub.setAttribute("aria-hidden", "true");
      label.appendChild(sub);
      launcher.appendChild(icon);
      launcher.appendChild(label);
      shell.appendChild(launcher);
    }

    var panel = el("section", "panel");
    panel.id = id + "-panel";
    panel.setAttribute("aria-labelledby", id + "-title");
    if (mode === "floating") {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "false");
      panel.hidden = true;
    }
    var head = el("div", "head");
    var titles = el("div", "titles");
    var title = el("h2", null, mode === "page" ? UI.pageTitle : UI.title);
    title.id = id + "-title";
    titles.appendChild(title);
    if (mode === "floating") titles.appendChild(el("p", null, UI.subtitle));
    head.appendChild(titles);
    var closeButton = null;
    if (mode === "floating") {
      closeButton = el("button", "close", "×");
      closeButton.type = "button";
      closeButton.setAttribute("aria-label", UI.close);
      head.appendChild(closeButton);
    }
    panel.appendChild(head);

    var log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", UI.log);
    log.tabIndex = 0;
    panel.appendChild(log);

    var status = el("p", "status");
    status.setAttribute("role", "status");
    panel.appendChild(status);

    var form = el("form", "form");
    form.setAttribute("novalidate", "");
    var inputLabel = el("label", "sr-only", UI.inputLabel);
    inputLabel.htmlFor = id + "-input";
    var input = el("input");
    input.id = id + "-input";
    input.type = "text";
    input.name = "message";
    input.autocomplete = "off";
    input.maxLength = MAX_CHARS;
    input.placeholder = UI.placeholder;
    input.setAttribute("enterkeyhint", "send");
    var sendButton = el("button", "send", UI.send);
    sendButton.type = "submit";
    form.appendChild(inputLabel);
    form.appendChild(input);
    form.appendChild(sendButton);
    panel.appendChild(form);
    shell.appendChild(panel);

    var busy = false;
    var started = false;

    function scrollDown() {
      log.scrollTop = log.scrollHeight;
    }

    function bubble(kind, text, speaker) {
      var node = el("p", "msg " + kind);
      node.appendChild(el("span", "sr-only", speaker));
      if (kind === "me") node.appendChild(document.createTextNode(text));
      else appendLinkified(node, text);
      log.appendChild(node);
      return node;
    }

    function note(text) {
      return bubble("note", text, UI.bot);
    }

    function picture(url, alt, caption) {
      var figure = el("figure", "msg bot");
      var img = el("img");
      img.alt = alt;
      img.decoding = "async";
      img.addEventListener("load", scrollDown);
      img.src = url;
      figure.appendChild(img);
      if (caption) {
        // The bot's description, whose words are the alt text: shown, but not read twice.
        var figcaption = el("figcaption", null, caption);
        figcaption.setAttribute("aria-hidden", "true");
        figure.appendChild(figcaption);
      }
      log.appendChild(figure);
    }

    function choices(buttons) {
      var usable = buttons.filter(function (b) {
        return b && typeof b.title === "string" && b.title.trim() && typeof b.payload === "string" && b.payload;
      });
      if (!usable.length) return;
      var group = el("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", UI.choices);
      usable.forEach(function (b) {
        var button = el("button", "choice", b.title.trim());
        button.type = "button";
        button.addEventListener("click", function () {
          send(b.payload, b.title.trim(), false);
        });
        group.appendChild(button);
      });
      log.appendChild(group);
    }

    function retireOldChoices() {
      var groups = log.querySelectorAll(".choices");
      for (var i = 0; i < groups.length; i++) {
        var buttons = groups[i].querySelectorAll("button");
        for (var j = 0; j < buttons.length; j++) buttons[j].disabled = true;
      }
    }

    function render(messages) {
      // Each picture takes the bot's description next to it (after, else before) as its alt
      // text and caption; that description is then not shown a second time.
      var used = {};
      var described = {};
      messages.forEach(function (message, index) {
        if (!message || !message.image) return;
        [index + 1, index - 1].some(function (other) {
          if (used[other] || !describes(messages[other])) return false;
          used[other] = true;
          described[index] = messages[other];
          return true;
        });
      });
      messages.forEach(function (message, index) {
        if (used[index] || !message || typeof message !== "object") return;
        if (typeof message.text === "string" && message.text.trim()) {
          bubble("bot", message.text, UI.bot);
        }
        if (message.image) {
          var url = safeImageUrl(message.image, apiBase);
          var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
          var alt = typeof custom.alt === "string" && custom.alt.trim() ? custom.alt.trim() : null;
          var description = described[index];
          var words = description ? descriptionText(description) : null;
          if (url) picture(url, alt || words || UI.imageAlt, description ? description.text : null);
          else if (description) bubble("bot", description.text, UI.bot);
        }
        if (Array.isArray(message.buttons)) choices(message.buttons);
      });
      scrollDown();
    }

    function setBusy(on, text) {
      busy = on;
      form.setAttribute("aria-busy", on ? "true" : "false");
      if (on) sendButton.setAttribute("aria-disabled", "true");
      else sendButton.removeAttribute("aria-disabled");
      status.textContent = "";
      if (on) {
        var dots = el("span", "dots");
        dots.setAttribute("aria-hidden", "true");
        dots.appendChild(el("span"));
        dots.appendChild(el("span"));
        dots.appendChild(el("span"));
        status.appendChild(dots);
        status.appendChild(document.createTextNode(text || UI.sending));
      }
    }

    function send(payload, shown, typed) {
      if (busy) return false;
      payload = String(payload || "").trim();
      if (!payload) return false;
      if (payload.length > MAX_CHARS) {
        note(UI.invalid);
        return false;
      }
      // A bot button about to be retired must not keep the keyboard focus: back to the input
      // (pointer users keep theirs, so a phone does not pop its keyboard up at every tap).
      var active = root.activeElement;
      if (active && active !== input && active.classList.contains("choice")) {
        if (active.matches(":focus-visible")) input.focus();
        else active.blur();
      }
      bubble("me", shown, UI.you);
      scrollDown();
      setBusy(true, UI.sending);
      var typingTimer = setTimeout(function () { if (busy) setBusy(true, UI.typing); }, 600);
      var restore = function () {
        if (typed && !input.value) input.value = payload;
      };
      conversation.exchange(payload, function () { setBusy(true, UI.retrying); }).then(
        function (result) {
          if (result.unavailable) restore();
          else retireOldChoices();
          render(result.messages);
          // After an erasure (a "forget" custom message, if the API passes it on), the next
          // message starts afresh under a new pseudonym.
          if (result.messages.some(function (m) { return m && m.custom && m.custom.type === "forget"; })) {
            conversation.forget();
          }
        },
        function (error) {
          var kind = error && error.kind;
          note(kind === "network" ? UI.offline : kind === "timeout" ? UI.timeout
            : kind === "invalid" ? UI.invalid : UI.failed);
          if (kind !== "invalid") restore();
          scrollDown();
        }
      ).then(function () {
        clearTimeout(typingTimer);
        setBusy(false);
      });
      return true;
    }

    function welcome() {
      if (started) return;
      started = true;
      bubble("bot", UI.welcome, UI.bot);
      var group = el("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", UI.choices);
      var hello = el("button", "choice", UI.hello);
      hello.type = "button";
      hello.addEventListener("click", function () { send(UI.helloPayload, UI.helloText, false); });
      group.appendChild(hello);
      log.appendChild(group);
    }

    function open() {
      if (!launcher) return;
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      welcome();
      scrollDown();
      input.focus();
    }

    function close() {
      if (!launcher || panel.hidden) return;
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) return;
      if (send(text, text, true)) input.value = "";
    });

    if (launcher) {
      launcher.addEventListener("click", function () {
        if (panel.hidden) open();
        else close();
      });
      closeButton.addEventListener("click", close);
      shell.addEventListener("keydown", function (event) {
        if ((event.key === "Escape" || event.key === "Esc") && !panel.hidden) {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      });
    } else {
      welcome();
    }

    return {
      element: host,
      open: open,
      close: close,
      send: function (text) { return send(text, text, false); },
    };
  }

  // ---- auto-start from the <script> tag ------------------------------------------------------
  var api = (window.Vigie = window.Vigie || {});
  api.mount = mount;

  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL(".", script.src).href;
  var pageMode = script.getAttribute("data-mode") === "page";
  var start = function () {
    if (pageMode) {
      var targetId = script.getAttribute("data-target");
      var target = targetId ? document.getElementById(targetId) : null;
      if (!target) {
        target = el("div");
        script.parentNode.insertBefore(target, script);
      }
      var fromAddress = new URLSearchParams(window.location.search).get("classe");
      mount({ mode: "page", target: target, apiBase: base,
        classCode: script.getAttribute("data-class") || fromAddress });
    } else {
      if (api.launcherMounted) return;
      api.launcherMounted = true;
      mount({ mode: "floating", apiBase: base, classCode: script.getAttribute("data-class") });
    }
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
