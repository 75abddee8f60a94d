/*! Vigie web chat — the conversation itself, on Vigie's own origin only.
 *
 * Loaded by Vigie's own pages, never by a host site:
 *   the full-page chat at "/"        <script src="static/chat.js" data-mode="page" data-target="ID" defer>
 *   the chat frame at "/embed"       <script src="static/chat.js" data-mode="frame" data-target="ID" defer>
 * The one-tag widget (/widget.js) opens "/embed" in an iframe, so a host page's scripts cannot
 * read what a learner types nor the session token: both stay in this origin's document and
 * sessionStorage. The class code comes from "?classe=CODE" in the page address.
 *
 * Talks only to <base>/chat/session and <base>/chat (docs/architecture.md §4), never to Rasa. The session
 * token lives in sessionStorage (this tab only) and is dropped after 30 minutes without activity
 * or by « Nouvelle conversation ». Only after the learner said yes to the delayed re-test (« Je
 * te repropose un quiz dans une semaine ? »), a signed retest token is kept in localStorage (30
 * days at most, dropped by « Nouvelle conversation », by an erasure and once the re-test is
 * over): presented to <base>/chat/resume when no session is open, it brings the learner back
 * as the same pseudonym a week later. Renders every text with textContent / text nodes, never
 * innerHTML; only real https addresses become links (never .example, .test, .invalid…).
 * Vanilla ES2017, no build step, no dependency, no external request.
 */
(function () {
  "use strict";

  // ---- French UI chrome (the conversation itself comes from the bot) -----------------------
  var UI = {
    title: "Vigie",
    pageTitle: "Conversation avec Vigie",
    subtitle: "Entraîne-toi à vérifier une info avant de la partager",
    close: "Fermer le chat",
    restart: "Nouvelle conversation",
    restarted: "Nouvelle conversation : la précédente est fermée sur cet appareil.",
    expired: "La conversation précédente s'est fermée après 30 minutes sans activité. On repart de zéro !",
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
    throttled: "Beaucoup de messages d'un coup : attends une minute, puis renvoie ton message.",
    imageAlt: "Image envoyée par Vigie",
    newTab: " (s'ouvre dans un nouvel onglet)",
    credential: "📥 Télécharger mon badge (fichier .jwt)",
  };
  var MAX_CHARS = 2000;
  var TIMEOUT_MS = 45000;
  var RETRY_DELAY_MS = 1200;
  var IDLE_MS = 30 * 60 * 1000; // no activity for this long: the next learner starts afresh
  var RETEST_MAX_AGE_S = 30 * 86400; // the delayed re-test's way back: kept 30 days at most
  var TOUCH_EVERY_MS = 5000; // typing counts as activity, recorded at most this often
  var CLASS_PATTERN = /^[A-Z0-9]{4,16}$/;
  // Addresses of the fictional world (RFC 2606 / 6761) and local names: never links.
  var RESERVED_HOST = /(^|\.)(example|test|invalid|localhost|local)$/i;
  var LINK_PATTERN = /https:\/\/[^\s<>"«»]+[^\s<>"«».,;:!?)]/g;

  // ---- small helpers -------------------------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function words(value) {
    return typeof value === "string" ? value.trim() : "";
  }

  function normaliseClass(code) {
    if (!code) return null;
    var clean = String(code).trim().toUpperCase();
    if (CLASS_PATTERN.test(clean)) return clean;
    console.warn("Vigie : code de classe ignoré (format inattendu) :", code);
    return null;
  }

  // A real web page: https, a public-looking host name, never a reserved or local one.
  function linkable(address) {
    var url;
    try {
      url = new URL(address);
    } catch (e) {
      return null;
    }
    var host = url.hostname;
    var real = url.protocol === "https:" && !url.username && !url.password &&
      /^[a-z0-9.-]+\.[a-z]{2,63}$/i.test(host) && !RESERVED_HOST.test(host);
    return real ? url.href : null;
  }

  // Text with its real https links made clickable, built from text nodes only (no HTML parsing).
  function appendLinkified(parent, text) {
    var last = 0;
    var match;
    LINK_PATTERN.lastIndex = 0;
    while ((match = LINK_PATTERN.exec(text)) !== null) {
      var href = linkable(match[0]);
      if (!href) continue;
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", null, match[0]);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.appendChild(el("span", "sr-only", UI.newTab));
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function safeImageUrl(url, base) {
    if (typeof url !== "string" || !url) return null;
    try {
      var parsed = new URL(url, base);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- the session token: sessionStorage (this tab, this origin), with its last activity ----
  function SessionStore(key) {
    this.key = key;
    this.memory = null; // when storage is blocked (a browser setting): this page's life only
  }

  SessionStore.prototype.read = function () {
    var raw;
    try { raw = window.sessionStorage.getItem(this.key); } catch (e) { raw = this.memory; }
    var data = null;
    try { data = JSON.parse(raw); } catch (e) { return null; }
    if (!data || typeof data.token !== "string" || typeof data.last !== "number") return null;
    return data;
  };

  SessionStore.prototype.write = function (token) {
    var raw = JSON.stringify({ token: token, last: Date.now() });
    try { window.sessionStorage.setItem(this.key, raw); } catch (e) { this.memory = raw; }
  };

  SessionStore.prototype.remove = function () {
    try { window.sessionStorage.removeItem(this.key); } catch (e) { /* storage blocked */ }
    this.memory = null;
  };

  // ---- the way back for the delayed re-test: localStorage, only after the learner said yes ---
  function RetestStore(key) {
    this.key = key;
  }

  RetestStore.prototype.read = function () {
    var data = null;
    try { data = JSON.parse(window.localStorage.getItem(this.key)); } catch (e) { return null; }
    if (!data || typeof data.token !== "string" || typeof data.expires !== "number") return null;
    if (data.expires <= Date.now()) {
      this.remove();
      return null;
    }
    return data.token;
  };

  RetestStore.prototype.write = function (token, maxAgeSeconds) {
    var age = Math.min(Number(maxAgeSeconds) || 0, RETEST_MAX_AGE_S) * 1000;
    var raw = JSON.stringify({ token: token, expires: Date.now() + age });
    try { window.localStorage.setItem(this.key, raw); } catch (e) { /* storage blocked: not kept */ }
  };

  RetestStore.prototype.remove = function () {
    try { window.localStorage.removeItem(this.key); } catch (e) { /* storage blocked */ }
  };

  // ---- the API conversation: session, one retry on network error, 401 → new session ---------
  function Conversation(apiBase, classCode) {
    this.apiBase = apiBase;
    this.classCode = classCode;
    this.store = new SessionStore("vigie-session:" + apiBase + ":" + (classCode || "-"));
    this.retest = new RetestStore("vigie-retest:" + apiBase);
  }

  // The learner said yes to the delayed re-test (a token), or it is over or called off (none).
  Conversation.prototype.keepRetest = function (token, maxAgeSeconds) {
    if (typeof token === "string" && token) this.retest.write(token, maxAgeSeconds);
    else this.retest.remove();
  };

  // Milliseconds left before the session expires for idleness; null when there is none.
  Conversation.prototype.timeLeft = function () {
    var data = this.store.read();
    return data ? data.last + IDLE_MS - Date.now() : null;
  };

  Conversation.prototype.touch = function () {
    var data = this.store.read();
    if (data) this.store.write(data.token);
  };

  Conversation.prototype.forget = function () {
    this.store.remove();
  };

  Conversation.prototype.post = function (path, body) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch(this.apiBase + path, {
      method: "POST",
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
    var left = self.timeLeft();
    if (left !== null && left > 0) return Promise.resolve(self.store.read().token);
    self.forget();
    var retest = self.retest.read();
    if (retest) {
      // back for the delayed re-test: the same learner, once this visit (refused: start afresh)
      return self.postWithRetry("chat/resume", { token: retest }, onRetry).then(function (response) {
        if (response.status !== 201) {
          self.retest.remove();
          return self.session(onRetry);
        }
        return response.json().then(function (body) {
          self.store.write(body.session_id);
          return body.session_id;
        });
      });
    }
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
      if (response.status !== 201) {
        var kind = response.status === 429 ? "throttled" : "failed";
        throw Object.assign(new Error(kind), { kind: kind });
      }
      return response.json();
    }).then(function (body) {
      self.store.write(body.session_id);
      return body.session_id;
    });
  };

  // Resolves to { messages, unavailable } or rejects with an error whose `kind` is
  // "network" | "timeout" | "invalid" | "throttled" | "failed".
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
        var kind = response.status === 422 ? "invalid" : response.status === 429 ? "throttled" : "failed";
        throw Object.assign(new Error(kind), { kind: kind });
      });
    };
    return attempt(false);
  };

  // ---- the view ------------------------------------------------------------------------------
  function mount(target, mode, apiBase, classCode) {
    var conversation = new Conversation(apiBase, classCode);
    var framed = mode === "frame" && window.parent !== window;

    var shell = el(mode === "frame" ? "main" : "div", "vigie " + mode);
    shell.setAttribute("lang", "fr");
    var panel = el("section", "panel");
    panel.setAttribute("aria-labelledby", "vigie-title");

    var head = el("div", "head");
    var titles = el("div", "titles");
    var title = el(mode === "frame" ? "h1" : "h2", null, mode === "frame" ? UI.title : UI.pageTitle);
    title.id = "vigie-title";
    titles.appendChild(title);
    head.appendChild(titles);
    var tools = el("div", "tools");
    var restartButton = el("button", "restart", UI.restart);
    restartButton.type = "button";
    tools.appendChild(restartButton);
    var closeButton = null;
    if (framed) {
      closeButton = el("button", "close", "×");
      closeButton.type = "button";
      closeButton.setAttribute("aria-label", UI.close);
      tools.appendChild(closeButton);
    }
    head.appendChild(tools);
    if (mode === "frame") head.appendChild(el("p", "subtitle", UI.subtitle));
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
    form.setAttribute("aria-busy", "false");
    var inputLabel = el("label", "sr-only", UI.inputLabel);
    inputLabel.htmlFor = "vigie-input";
    var input = el("input");
    input.id = "vigie-input";
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
    target.appendChild(shell);

    var busy = false;
    var generation = 0; // a new conversation ignores the answers still on their way to the old
    var idleTimer = null;
    var lastTouch = 0;

    function scrollDown() {
      log.scrollTop = log.scrollHeight;
    }

    // `plain`: no link at all (a learner's words, a picture's alt text and caption).
    function bubble(kind, text, speaker, plain) {
      var node = el("p", "msg " + kind);
      node.appendChild(el("span", "sr-only", speaker));
      if (kind === "bot" && !plain) appendLinkified(node, text);
      else node.appendChild(document.createTextNode(text));
      log.appendChild(node);
      return node;
    }

    function note(text) {
      return bubble("note", text, UI.bot);
    }

    // One picture, one message: the picture, its alt text and its caption together. If the
    // picture cannot be shown, its alt text is shown instead, as text.
    function picture(url, alt, caption) {
      var figure = el("figure", "msg bot");
      figure.appendChild(el("span", "sr-only", UI.bot));
      var img = el("img");
      img.alt = alt;
      img.decoding = "async";
      img.addEventListener("load", scrollDown);
      img.addEventListener("error", function () {
        if (img.parentNode === figure) figure.replaceChild(el("p", "alt-text", alt), img);
        scrollDown();
      });
      img.src = url;
      figure.appendChild(img);
      if (caption) {
        var figcaption = el("figcaption", null, caption);
        // Already the first words of the alt text: shown, but not read twice.
        if (alt.indexOf(caption) === 0) figcaption.setAttribute("aria-hidden", "true");
        figure.appendChild(figcaption);
      }
      log.appendChild(figure);
    }

    function item(custom) {
      var alt = words(custom.alt);
      var caption = words(custom.caption);
      var url = safeImageUrl(custom.image, apiBase);
      if (url) picture(url, alt || UI.imageAlt, caption);
      else if (alt || caption) bubble("bot", [caption, alt].filter(Boolean).join("\n"), UI.bot, true);
    }

    // A badge credential (docs/badges.md): a one-time download link to the signed file.
    function credential(custom) {
      var url = safeImageUrl(custom.url, apiBase);
      if (!url) return;
      var node = el("p", "msg bot");
      node.appendChild(el("span", "sr-only", UI.bot));
      var link = el("a", "choice", UI.credential);
      link.href = url;
      link.setAttribute("download", typeof custom.filename === "string" ? custom.filename : "badge-vigie.jwt");
      node.appendChild(link);
      log.appendChild(node);
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
      var buttons = log.querySelectorAll(".choices button");
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    }

    function render(messages) {
      messages.forEach(function (message) {
        if (!message || typeof message !== "object") return;
        var custom = message.custom && typeof message.custom === "object" ? message.custom : null;
        if (custom && custom.type === "retest") conversation.keepRetest(custom.due && custom.token, custom.max_age);
        // the item, or a move's result card (no caption: its alt text says what it shows)
        if (custom && (custom.type === "item" || custom.type === "result")) item(custom);
        if (custom && custom.type === "credential") credential(custom);
        if (words(message.text)) bubble("bot", message.text, UI.bot);
        var url = safeImageUrl(message.image, apiBase);
        if (url) picture(url, UI.imageAlt, null);
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

    // ---- idleness: 30 minutes without activity ends the conversation on this device ---------
    function watchIdle() {
      clearTimeout(idleTimer);
      var left = conversation.timeLeft();
      if (left === null) return;
      if (left <= 0) restart(UI.expired);
      else idleTimer = setTimeout(watchIdle, left);
    }

    function active() {
      var now = Date.now();
      if (now - lastTouch < TOUCH_EVERY_MS) return;
      lastTouch = now;
      var left = conversation.timeLeft();
      if (left !== null && left <= 0) return watchIdle(); // too late: it is over
      conversation.touch();
      watchIdle();
    }

    function welcome() {
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

    // Drop the token and everything on screen (a shared school computer), then start afresh.
    function restart(reason) {
      clearTimeout(idleTimer);
      generation += 1;
      conversation.forget();
      setBusy(false);
      input.value = "";
      while (log.firstChild) log.removeChild(log.firstChild);
      var info = el("p", "msg info", reason);
      log.appendChild(info);
      welcome();
      scrollDown();
    }

    function send(payload, shown, typed) {
      if (busy) return false;
      payload = String(payload || "").trim();
      if (!payload) return false;
      if (payload.length > MAX_CHARS) {
        note(UI.invalid);
        return false;
      }
      var left = conversation.timeLeft();
      if (left !== null && left <= 0) restart(UI.expired);
      // A bot button about to be retired must not keep the keyboard focus: back to the input
      // (pointer users keep theirs, so a phone does not pop its keyboard up at every tap).
      var current = document.activeElement;
      if (current && current !== input && current.classList.contains("choice")) {
        if (current.matches(":focus-visible")) input.focus();
        else current.blur();
      }
      bubble("me", shown, UI.you);
      scrollDown();
      setBusy(true, UI.sending);
      var mine = generation;
      var typingTimer = setTimeout(function () { if (busy && mine === generation) setBusy(true, UI.typing); }, 600);
      var restore = function () {
        if (typed && !input.value) input.value = payload;
      };
      conversation.exchange(payload, function () { if (mine === generation) setBusy(true, UI.retrying); }).then(
        function (result) {
          if (mine !== generation) return;
          conversation.touch();
          if (result.unavailable) restore();
          else retireOldChoices();
          render(result.messages);
          // After an erasure (a "forget" custom message), the next message starts afresh
          // under a new pseudonym.
          if (result.messages.some(function (m) { return m && m.custom && m.custom.type === "forget"; })) {
            conversation.forget();
            conversation.keepRetest(null);
          }
        },
        function (error) {
          if (mine !== generation) return;
          var kind = error && error.kind;
          note(UI[{ network: "offline", timeout: "timeout", invalid: "invalid", throttled: "throttled" }[kind]]
            || UI.failed);
          if (kind !== "invalid") restore();
          scrollDown();
        }
      ).then(function () {
        clearTimeout(typingTimer);
        if (mine !== generation) return;
        setBusy(false);
        watchIdle();
      });
      return true;
    }

    function close() {
      if (framed) window.parent.postMessage({ type: "vigie:close" }, "*");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || busy) return;
      if (send(text, text, true)) input.value = "";
    });
    input.addEventListener("input", active);
    restartButton.addEventListener("click", function () {
      conversation.keepRetest(null); // a shared computer: the next learner is not this one
      restart(UI.restarted);
      input.focus();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") watchIdle();
    });

    if (framed) {
      closeButton.addEventListener("click", close);
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" || event.key === "Esc") {
          event.preventDefault();
          close();
        }
      });
      // Only signals cross the frame's edge, never a text or a token: "ready" and "close" out,
      // "focus" in (the widget moves the keyboard focus to the message box when it opens).
      window.addEventListener("message", function (event) {
        if (event.source === window.parent && event.data && event.data.type === "vigie:focus") {
          input.focus();
        }
      });
      window.parent.postMessage({ type: "vigie:ready" }, "*");
    }

    welcome();
    watchIdle();
    return shell;
  }

  // ---- start from the <script> tag -----------------------------------------------------------
  var script = document.currentScript;
  if (!script || !script.src) return;
  var base = new URL("../", script.src).href; // the script is <base>/static/chat.js
  var mode = script.getAttribute("data-mode") === "frame" ? "frame" : "page";
  var start = function () {
    var targetId = script.getAttribute("data-target");
    var target = (targetId && document.getElementById(targetId)) || document.body;
    var code = new URLSearchParams(window.location.search).get("classe");
    mount(target, mode, base, normaliseClass(code));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
