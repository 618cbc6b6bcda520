"""The one way email leaves the portal: `send_email`, over Flask-Mail, with a short timeout.

Flask-Mail 0.10 opens `smtplib.SMTP(server, port)` without a timeout, so a mail server that
accepts the connection and then stalls would hang the caller (a web request) indefinitely.
`TimedConnection` is Flask-Mail's own connection with `MAIL_TIMEOUT_SECONDS` passed to smtplib;
everything else (address and header sanitising, the `email_dispatched` signal used by
`mail.record_messages()`, MAIL_SUPPRESS_SEND) stays Flask-Mail's.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email import charset as email_charset
from email.mime.text import MIMEText
from email.utils import make_msgid, parseaddr

from flask import current_app
from flask_mail import Connection, Message

# SMTP errors that mean the session itself is unusable, as opposed to a refusal of one message.
_SESSION_ERRORS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
)


def is_connection_failure(error: BaseException) -> bool:
    """True when the server could not be reached or dropped us (down, timeout, refused login).

    After such an error the rest of a batch is not attempted. A refusal of one message (recipient
    or sender refused, data rejected) is not a connection failure. smtplib's errors are OSErrors,
    so the order of the checks matters.
    """
    if isinstance(error, _SESSION_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)


def describe_error(error: BaseException) -> str:
    """A short description of a delivery error without addresses, fit for a log line."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in error.recipients.values()})
        return f"{name} (SMTP {', '.join(str(c) for c in codes)})"
    code = getattr(error, "smtp_code", None)
    return f"{name} (SMTP {code})" if code else name


@dataclass
class Email:
    """One email ready to go: both parts and the headers stored with its outbox row."""

    recipient: str
    subject: str
    body_text: str
    body_html: str | None = None
    message_id: str | None = None
    reply_to: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)


def _quoted_printable_utf8() -> email_charset.Charset:
    utf8 = email_charset.Charset("utf-8")
    utf8.body_encoding = email_charset.QP
    return utf8


class PortalMessage(Message):
    """Flask-Mail's message with quoted-printable text parts.

    Flask-Mail sends UTF-8 bodies unencoded, so a long paragraph (a request description can be
    10,000 characters on one line) would break SMTP's 998-character line limit and non-ASCII text
    would need 8BITMIME. Quoted-printable keeps every line short and 7-bit clean.
    """

    # Flask-Mail has no public hook for the body encoding: kept only while it is pinned at 0.10.0.
    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        return MIMEText(text or "", _subtype=subtype, _charset=_quoted_printable_utf8())


class TimedConnection(Connection):
    """Flask-Mail's SMTP connection, with a socket timeout on connect and on every command."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config.get("MAIL_TIMEOUT_SECONDS", 10)
        host: smtplib.SMTP
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        # Flask-Mail calls quit() unconditionally; on a dead connection that raises a second
        # error that would hide the first one.
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                self.host.close()


def open_connection() -> TimedConnection:
    """A connection to the configured mail server, for sending several emails in one session."""
    return TimedConnection(current_app.extensions["mail"])


def sender_domain() -> str:
    """The domain of MAIL_DEFAULT_SENDER, used to make Message-IDs that are ours."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def new_message_id() -> str:
    return make_msgid(domain=sender_domain())


def build_message(email: Email) -> Message:
    """The Flask-Mail message: plain text first, HTML as the alternative (RFC 2046 order)."""
    message = PortalMessage(
        subject=email.subject,
        recipients=[email.recipient],
        body=email.body_text,
        html=email.body_html,
        reply_to=email.reply_to,
        extra_headers=dict(email.extra_headers) or None,
    )
    # The Message-ID is chosen when the email is queued, so that a retried delivery carries the
    # same one and the recipient's mail system can recognise a duplicate.
    message.msgId = email.message_id or new_message_id()
    return message


def send_email(email: Email, connection: TimedConnection | None = None) -> None:
    """Deliver one email now; raises smtplib/OS errors for the caller (the outbox) to record."""
    message = build_message(email)
    if connection is not None:
        connection.send(message)
        return
    with open_connection() as fresh:
        fresh.send(message)
