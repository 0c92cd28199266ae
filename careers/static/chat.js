/* The recruiting assistant in the page: rasa-webchat, told which job the candidate is
   looking at, plus what the widget lacks for keyboard and screen-reader users. */
(function () {
  "use strict";

  var mount = document.getElementById("chat");
  if (!mount || !window.WebChat || typeof window.WebChat.default !== "function") return;

  var role = mount.getAttribute("data-role");
  var roleTitle = mount.getAttribute("data-role-title");

  // -- availability: say so while the Rasa server cannot be reached -----------------------
  // The widget shows nothing at all without a socket.io connection (Rasa starting,
  // restarted by the supervisor, or down). socket.io keeps retrying the Rasa server by
  // itself (after 1 s, backing off to 5 s, without end), so the notice goes as soon as
  // it connects again.
  var status = document.getElementById("chat-status");
  var GRACE_MS = 2000;  // a normal connection takes well under this: no flash of the notice
  var live = false;
  var pending = null;

  function showUnavailable(on) {
    if (!status) return;
    var text = on ? status.getAttribute("data-unavailable") : "";
    if (status.textContent !== text) status.textContent = text;
  }

  function connectionLost() {
    live = false;
    if (pending !== null) return;
    pending = window.setTimeout(function () {
      pending = null;
      if (!live) showUnavailable(true);
    }, GRACE_MS);
  }

  function connected() {
    live = true;
    if (pending !== null) { window.clearTimeout(pending); pending = null; }
    showUnavailable(false);
  }

  connectionLost();  // until the first connection

  // A random id per page in the socket.io URL's query (sent with every request of the
  // session): behind the scaled setup's nginx, every request of one chat reaches the Rasa
  // replica that holds its socket.io session (service/scaled.py). Ignored by Rasa.
  var clientId = Math.random().toString(36).slice(2) + Date.now().toString(36);
  var socketUrl = mount.getAttribute("data-socket-url").replace(/\/+$/, "") + "/?client=" + clientId;

  window.WebChat.default({
    socketUrl: socketUrl,
    socketPath: "/socket.io/",
    // Rasa's socket.io channel hands this to the actions as the message metadata
    // (credentials.yml: metadata_key: customData); actions/context.py reads "role".
    customData: role ? { role: role } : {},
    title: "Recruiting assistant",
    subtitle: roleTitle ? "Questions about the " + roleTitle + " role" : "Questions about our open roles",
    inputTextFieldHint: "Ask a question, e.g. what does it pay?",
    connectingText: "Connecting…",
    initPayload: "/greet",
    // The conversation is kept in localStorage, so it survives reloads and moving
    // between job pages; Rasa keeps the session (session_persistence: true).
    params: { storage: "local" },
    customMessageDelay: function () { return 350; },
    showFullScreenButton: false,
    displayUnreadCount: false,
    // Not session_confirm: a handler of ours for it would replace the widget's own, which
    // is what makes the widget visible.
    onSocketEvent: {
      connect: connected,
      connect_error: connectionLost,
      disconnect: connectionLost
    }
  }, mount);

  // -- accessibility: names, state and keyboard for the widget's controls ---------------

  function set(el, name, value) {
    if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
  }

  function isOpen() {
    return !!mount.querySelector(".rw-conversation-container");
  }

  function enhance() {
    var open = isOpen();
    var launcher = mount.querySelector("button.rw-launcher");
    if (launcher) {
      set(launcher, "aria-label", open ? "Close the chat" : "Chat with our recruiting assistant");
      set(launcher, "aria-expanded", open ? "true" : "false");
    }
    set(mount.querySelector("textarea.rw-new-message"), "aria-label", "Your question");
    set(mount.querySelector("button.rw-send"), "aria-label", "Send");
    // The widget titles itself with an <h4>; it sits after the page's <h2> sections.
    set(mount.querySelector(".rw-title"), "aria-level", "2");
    var closeButton = mount.querySelector(".rw-close-button");
    set(closeButton, "aria-label", "Close the chat");
    var log = mount.querySelector(".rw-messages-container");
    if (log) {
      // Replies are announced as they arrive; the scrollable history is reachable by keyboard.
      set(log, "role", "log");
      set(log, "aria-live", "polite");
      set(log, "aria-label", "Conversation");
      set(log, "tabindex", "0");
    }
    var actions = document.querySelectorAll("[data-chat-actions]");
    for (var i = 0; i < actions.length; i++) actions[i].hidden = !launcher;
  }

  new MutationObserver(enhance).observe(mount, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["class"]
  });
  enhance();

  function focusInput() {
    var tries = 0;
    (function attempt() {
      var input = mount.querySelector("textarea.rw-new-message");
      if (input) input.focus();
      else if (tries++ < 20) window.setTimeout(attempt, 50);
    })();
  }

  // "Ask about this role" opens the chat and puts the cursor in the message field.
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-open-chat]") : null;
    if (!target) return;
    var launcher = mount.querySelector("button.rw-launcher");
    if (!launcher) return;
    if (!isOpen()) launcher.click();
    focusInput();
  });

  // Escape closes the chat and gives the focus back to the launcher.
  mount.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen()) return;
    var launcher = mount.querySelector("button.rw-launcher");
    if (!launcher) return;
    event.preventDefault();
    launcher.click();
    launcher.focus();
  });
})();
