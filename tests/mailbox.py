"""A real SMTP server (aiosmtpd) on one of this branch's ports, that can be stopped and started
again on the same port: the notices tests play a mail server that is down for a while."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest

PORTS = range(8661, 8670)


def free_port() -> int:
    """A free port of this branch's range (8661-8669), so parallel sessions never collide."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 8661-8669")


class Mailbox:
    """Keeps every message the server accepted, with the envelope's recipients."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.controller: Any = None

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m, rcpts in zip(self.messages, self.envelopes, strict=True) if address in rcpts]
