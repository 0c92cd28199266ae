"""A web chat as rasa-webchat speaks to Rasa: socket.io, a session id, customData."""
from __future__ import annotations

import queue
import time
import uuid
from typing import Any, Dict, Optional

import socketio
from socketio import packet

from service.settings import DEFAULT_SITE_ORIGIN


class WebChat:
    def __init__(self, url: str, origin: str = DEFAULT_SITE_ORIGIN,
                 session_id: Optional[str] = None) -> None:
        self.session_id = session_id or uuid.uuid4().hex
        self.replies: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        # Generous timeouts: under load (scripts/load_test.py) the server answers the
        # handshake late, not never.
        self.client = socketio.Client(reconnection=False, request_timeout=60)
        self.client.on("bot_uttered", self.replies.put)
        confirmed: "queue.Queue[str]" = queue.Queue()
        self.client.on("session_confirm", confirmed.put)
        # Long-polling: the Origin header is then exactly ours (the WebSocket client adds
        # its own next to it). The origin check applies to both transports.
        self.client.connect(url, headers={"Origin": origin}, transports=["polling"],
                            socketio_path="socket.io", wait_timeout=60)
        self.client.emit("session_request", {"session_id": self.session_id})
        confirmed.get(timeout=60)

    def send_raw(self, data: Any) -> None:
        self.client.emit("user_uttered", data)

    def say(self, message: str, role: Optional[str] = None, timeout: float = 60) -> str:
        data: Dict[str, Any] = {"message": message, "session_id": self.session_id}
        if role:
            data["customData"] = {"role": role}
        self.send_raw(data)
        return self.next_reply(timeout)

    def late_reply(self, seconds: float) -> Optional[str]:
        """A reply that arrives within `seconds` without a new message (one the server
        sent after the previous connection was lost), else None."""
        try:
            return self.next_reply(seconds)
        except (queue.Empty, ConnectionError):
            return None

    @property
    def connected(self) -> bool:
        return bool(self.client.connected)

    def next_reply(self, timeout: float = 60) -> str:
        """The next reply; ConnectionError as soon as the connection is lost (no waiting
        out the timeout for a server that died)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.replies.get(timeout=0.5).get("text", "")
            except queue.Empty:
                if not self.client.connected:
                    raise ConnectionError("the socket.io connection was lost") from None
                if time.monotonic() > deadline:
                    raise

    def close(self) -> None:
        self.client.disconnect()

    def hang_up(self, timeout: float = 10) -> None:
        """Close as a browser closing the page does: the server learns it at once. (Over
        long-polling, python-engineio's disconnect() stops its sender before the close
        packets go out, so the server would see the chat leave only after the ping timeout.)"""
        for namespace in list(self.client.namespaces):
            self.client._send_packet(self.client.packet_class(packet.DISCONNECT,
                                                              namespace=namespace))
        deadline = time.monotonic() + timeout
        while self.client.eio.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)  # until the engine's sender has posted it
        self.client.disconnect()
