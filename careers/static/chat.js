/* The recruiting assistant in the page: rasa-webchat, told which job the candidate is
   looking at, plus what the widget lacks for keyboard and screen-reader users. */
(function () {
  "use strict";

  var mount = document.getElementById("chat");
  if (!mount || !window.WebChat || typeof window.WebChat.default !== "function") return;

  var role = mount.getAttribute("data-role");
  var roleTitle = mount.getAttribute("data-role-title");

  window.WebChat.default({
    socketUrl: mount.getAttribute("data-socket-url"),
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
    displayUnreadCount: false
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
