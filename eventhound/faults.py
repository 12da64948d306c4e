"""Why a fetch failed, in words: the cause a runs row and the health report name.

Scrapy and Twisted report failures as exception classes, often wrapped (a download error
holding a list of Twisted failures); `cause(failure)` names the real one: DNS, connection
refused or reset, a body cut short, timeout, TLS, the download size limit, robots.txt, a
redirect loop.

Scrapy 2.19's HTTP/1.1 handler raises ResponseDataLossError (no message) when the connection
closes before Content-Length bytes came, and a bare DownloadCancelledError (no message) when
a body without Content-Length grows past DOWNLOAD_MAXSIZE while streaming (a body announced
larger is cancelled with the "larger than download max size" message instead). Timeouts are
DownloadTimeoutError, so an empty cancel of one download is the size limit.
"""

from __future__ import annotations

import re

# (what the exception's class names or message hold, the cause in words); first match wins
CAUSES = (
    (re.compile(r"DNSLookupError|CannotResolveHost|DNS lookup failed", re.I), "DNS lookup failed"),
    (re.compile(r"ConnectionRefused", re.I), "connection refused"),
    (
        re.compile(r"ConnectionLost|ConnectionReset|ConnectionAborted|ECONNRESET", re.I),
        "connection reset by the server",
    ),
    (
        re.compile(r"ResponseDataLossError|_DataLoss|PotentialDataLoss", re.I),
        "body cut short (fewer bytes than Content-Length)",
    ),
    (re.compile(r"ConnectionDone|ResponseNeverReceived", re.I), "connection closed before the answer"),
    (re.compile(r"TimeoutError|TCPTimedOut|took longer than", re.I), "timed out"),
    (re.compile(r"SSL|TLS|certificate|handshake", re.I), "TLS handshake failed"),
    (
        re.compile(
            r"larger than download (?:max|warn) size|download max size|maxsize"
            r"|DownloadCancelledError\(''\)",
            re.I,
        ),
        "larger than the download size limit",
    ),
    (re.compile(r"Forbidden by robots\.txt", re.I), "forbidden by robots.txt"),
    (re.compile(r"max redirections reached", re.I), "redirect loop (too many redirects)"),
)


def cause(failure) -> str:
    """The cause of a Twisted failure in words ("connection reset by the server"), else its
    exception's name and message."""
    value = getattr(failure, "value", failure)
    text = f"{type(value).__name__}: {value!r} {_message(failure)}"
    for wrapped in getattr(value, "reasons", None) or []:  # a download error's inner failures
        text += f" {type(getattr(wrapped, 'value', wrapped)).__name__}: {getattr(wrapped, 'value', wrapped)!r}"
    found = next((words for pattern, words in CAUSES if pattern.search(text)), None)
    return found or f"{type(value).__name__}: {_message(failure)}"


def _message(failure) -> str:
    try:
        return failure.getErrorMessage()
    except AttributeError:
        return str(failure)
