"""The one way email leaves the portal: `send_email`, over Flask-Mail, with a short timeout.

Flask-Mail 0.10 opens `smtplib.SMTP(server, port)` without a timeout, so a mail server that
accepts the connection and then stalls would hang the caller (a web request) indefinitely.
`TimedConnection` is Flask-Mail's own connection with `MAIL_TIMEOUT_SECONDS` passed to smtplib;
everything else (address and header sanitising, the `email_dispatched` signal used by
`mail.record_messages()`, MAIL_SUPPRESS_SEND) stays Flask-Mail's.

Without a MAIL_SERVER (development: `make run`), `open_connection()` gives a `MailFileWriter`
instead, which writes each email, exactly as it would have been sent, to a `.eml` file under
MAIL_FILE_DIR (default `<instance>/mail/`). Production refuses to start without MAIL_SERVER.
"""

from __future__ import annotations

import re
import smtplib
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import charset as email_charset
from email.mime.text import MIMEText
from email.utils import make_msgid, parseaddr
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message

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
    outbox_id: int | None = None  # names the file when the email is written instead of sent


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

    def deliver(self, email: Email) -> None:
        """Send one email over this session."""
        self.send(build_message(email))


def writes_files() -> bool:
    """True when no MAIL_SERVER is set: each email is written to a `.eml` file, not sent.

    The one test of "is email really sent?", for the transport and for every page that tells
    someone an email is coming.
    """
    return not current_app.config.get("MAIL_SERVER")


def mail_file_dir() -> Path:
    """Where emails are written without a MAIL_SERVER: MAIL_FILE_DIR, else `<instance>/mail`."""
    configured = current_app.config.get("MAIL_FILE_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "mail"


def mail_file_dir_shown() -> str:
    """The folder for a page or a message: relative to the working directory when inside it."""
    folder = mail_file_dir().resolve()
    try:
        return str(folder.relative_to(Path.cwd()))
    except ValueError:
        return str(folder)


def subject_slug(subject: str, limit: int = 60) -> str:
    """The subject as a short ASCII file-name part: "We received your …" → "we-received-your-…"."""
    ascii_text = unicodedata.normalize("NFKD", subject).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "email"


def mail_file_name(email: Email, now: datetime) -> str:
    """`20270104T153002123456Z-42-we-received-your-foia-request-cops-2027-000001.eml`.

    Sorted by name is sorted by time; the outbox id makes the name unique.
    """
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    reference = email.outbox_id if email.outbox_id is not None else "direct"
    return f"{stamp}-{reference}-{subject_slug(email.subject)}.eml"


class MailFileWriter:
    """Stands in for the SMTP session when no MAIL_SERVER is set: one RFC 5322 file per email.

    The file holds the bytes Flask-Mail would have handed to the server (`Message.as_bytes()`),
    so any mail program opens it. Failing to write (a full disk, no permission) raises OSError,
    which the outbox records and retries like a server that is down.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> MailFileWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, exc_type, exc_value, tb) -> None:
        return None

    def deliver(self, email: Email) -> Path:
        """Write one email; returns the path of its file."""
        message = build_message(email)
        # What Flask-Mail's Connection.send checks and sets before handing a message over.
        if message.has_bad_headers():
            raise BadHeaderError
        if message.date is None:
            message.date = time.time()
        path = self.directory / mail_file_name(email, datetime.now(UTC))
        with path.open("xb") as file:  # never overwrite another email
            file.write(message.as_bytes())
        return path


def open_connection() -> TimedConnection | MailFileWriter:
    """A session for sending several emails: SMTP to MAIL_SERVER, or the file writer without one."""
    if writes_files():
        return MailFileWriter(mail_file_dir())
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


def send_email(
    email: Email, connection: TimedConnection | MailFileWriter | None = None
) -> Path | None:
    """Deliver one email now; raises smtplib/OS errors for the caller (the outbox) to record.

    Returns the file's path when the email was written to a file (no MAIL_SERVER), else None.
    """
    if connection is not None:
        return connection.deliver(email)
    with open_connection() as fresh:
        return fresh.deliver(email)
