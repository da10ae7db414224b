"""lib/tokens.py, tokens kept out of logs: the redaction of request lines and of the records of
werkzeug's access log (the line Odoo 17/18 write at INFO for every request)."""

from __future__ import annotations

import logging

from lib.tokens import REDACTED, RedactTokens, generate_token, install_log_redaction, redact

TOKEN = generate_token()


def test_the_token_of_a_query_string_is_redacted():
    line = f"GET /api/callcenter/lookup?token={TOKEN}&number=0989464344 HTTP/1.1"
    assert redact(line) == f"GET /api/callcenter/lookup?token={REDACTED}&number=0989464344 HTTP/1.1"


def test_every_position_and_any_value_is_redacted():
    for line in (f"/api/callcenter/caller_name?number=1&token={TOKEN}",
                 f"/api/callcenter/zadarma?zd_echo=x&TOKEN={TOKEN}&a=b",
                 "/x?token=pbx_wrong-or-short&b=1", "/x?token=a%20b#frag"):
        assert "token=" + REDACTED in redact(line).replace("TOKEN=", "token="), line
        assert TOKEN not in redact(line)
        assert "pbx_wrong" not in redact(line)


def test_other_credentials_of_urls_are_redacted():
    text = ("HTTPSConnectionPool(host='pbx', port=8088): Max retries exceeded with url: "
            "/openapi/v1.0/recording/download?access_token=AbC123&id=5")
    assert redact(text).endswith(f"?access_token={REDACTED}&id=5")
    assert redact("/dial?api_key=k1&secret=s2&number=101") == f"/dial?api_key={REDACTED}&secret={REDACTED}&number=101"


def test_a_token_outside_a_query_is_redacted_by_its_shape():
    assert redact(f"Bearer {TOKEN} refused") == f"Bearer {REDACTED} refused"
    assert redact(f"/api/callcenter/{TOKEN}/x") == f"/api/callcenter/{REDACTED}/x"


def test_text_without_credentials_is_unchanged():
    for text in ("GET /api/callcenter/lookup?number=0989464344 HTTP/1.1", "/pbx_callcenter/zadarma/recording/1/abc",
                 "phone=0989464344&extension=101", "", "tokens=", "a token: none"):
        assert redact(text) == text


def werkzeug_record(request_line, code="200"):
    """A record shaped exactly like werkzeug 2.2's access-log line (serving.py log_request)."""
    return logging.LogRecord("werkzeug", logging.INFO, "serving.py", 1,
                             '127.0.0.1 - - [20/Nov/2026 10:15:02] "%s" %s %s', (request_line, code, "-"), None)


def test_the_filter_redacts_werkzeugs_access_log_record_and_keeps_it():
    record = werkzeug_record(f"GET /api/callcenter/lookup?token={TOKEN}&number=0989464344 HTTP/1.1")
    assert RedactTokens().filter(record) is True
    message = record.getMessage()
    assert TOKEN not in message
    assert f'"GET /api/callcenter/lookup?token={REDACTED}&number=0989464344 HTTP/1.1" 200 -' in message
    assert record.args[1:] == ("200", "-")


def test_the_filter_redacts_preformatted_messages_and_mapping_args():
    record = logging.LogRecord("longpolling", logging.INFO, "pywsgi.py", 1,
                               f'127.0.0.1 - - "GET /api/callcenter/lookup?token={TOKEN} HTTP/1.1" 200', None, None)
    RedactTokens().filter(record)
    assert TOKEN not in record.getMessage()
    record = logging.LogRecord("werkzeug", logging.INFO, "x", 1,
                               "%(url)s %(n)d", ({"url": f"/a?token={TOKEN}", "n": 3},), None)
    RedactTokens().filter(record)
    assert record.getMessage() == f"/a?token={REDACTED} 3"


def test_non_text_args_are_left_alone():
    record = logging.LogRecord("werkzeug", logging.INFO, "x", 1, "%s %d %r", ("a", 5, None), None)
    RedactTokens().filter(record)
    assert record.getMessage() == "a 5 None"


def test_the_filter_is_installed_once_per_logger():
    names = ("test.redaction.a", "test.redaction.b")
    install_log_redaction(*names)
    install_log_redaction(*names)
    for name in names:
        logger = logging.getLogger(name)
        assert sum(isinstance(f, RedactTokens) for f in logger.filters) == 1


def test_a_logged_token_never_reaches_the_handlers():
    logger = logging.getLogger("test.redaction.emit")
    logger.propagate = False
    install_log_redaction("test.redaction.emit")
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(self.format(record))

    logger.addHandler(Keep())
    logger.setLevel(logging.INFO)
    logger.info('127.0.0.1 - - [x] "%s" %s %s', f"GET /api/callcenter/call_in?token={TOKEN} HTTP/1.1", "200", "-")
    assert seen and TOKEN not in seen[0] and f"token={REDACTED}" in seen[0]
