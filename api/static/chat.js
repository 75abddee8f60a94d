// Vigie web chat: talks to /chat/session and /chat only, never to Rasa.
// Renders text with textContent (never innerHTML), so nothing a user types can run.
(function () {
  "use strict";
  const root = document.querySelector("[data-vigie-chat]");
  if (!root) return;
  const log = root.querySelector(".vigie-log");
  const form = root.querySelector(".vigie-form");
  const input = form.querySelector("input");
  const status = root.querySelector(".vigie-status");
  const params = new URLSearchParams(window.location.search);
  const classCode = params.get("classe");
  const storageKey = "vigie-session" + (classCode ? "-" + classCode : "");

  function add(kind, text) {
    const bubble = document.createElement("div");
    bubble.className = "vigie-msg " + kind;
    bubble.textContent = text;
    log.appendChild(bubble);
    log.scrollTop = log.scrollHeight;
    return bubble;
  }

  function render(messages) {
    for (const message of messages) {
      if (message.text) add("bot", message.text);
      if (message.image) {
        const figure = add("bot", "");
        const img = document.createElement("img");
        img.src = message.image;
        img.alt = (message.custom && message.custom.alt) || "";
        figure.appendChild(img);
      }
      if (Array.isArray(message.buttons) && message.buttons.length) {
        const group = document.createElement("div");
        group.className = "vigie-buttons";
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", "Réponses possibles");
        for (const button of message.buttons) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = button.title;
          b.addEventListener("click", () => send(button.payload, button.title));
          group.appendChild(b);
        }
        log.appendChild(group);
      }
    }
    log.scrollTop = log.scrollHeight;
  }

  async function session() {
    let token = localStorage.getItem(storageKey);
    if (token) return token;
    const response = await fetch("/chat/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(classCode ? { class_code: classCode } : {}),
    });
    if (!response.ok) throw new Error("session " + response.status);
    token = (await response.json()).session_id;
    localStorage.setItem(storageKey, token);
    return token;
  }

  async function send(payload, shown) {
    add("me", shown);
    status.textContent = "Vigie écrit…";
    try {
      let response = await fetch("/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session_id: await session(), message: payload }),
      });
      if (response.status === 401) {
        localStorage.removeItem(storageKey);
        response = await fetch("/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ session_id: await session(), message: payload }),
        });
      }
      const body = await response.json();
      render(Array.isArray(body) ? body : []);
      status.textContent = "";
    } catch (error) {
      status.textContent = "Connexion impossible pour l'instant. Réessaie dans un moment.";
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, text);
  });
})();
