"""Bad input reaches the user as a diagnostic that says what failed and what
to check, quickly, never as a crash: no credentials, a wrong token, a host
that does not resolve, a host that answers HTML or truncated JSON."""

import http.server
import threading
import time
import unittest

from emulator import Emulator
from harness import AcceptanceTest


def config(provider_body=""):
    return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
{provider_body}
}}

resource "dcs_workspace_conf" "this" {{
  enable_dcs = true
}}
"""


class _Garbage(http.server.BaseHTTPRequestHandler):
    """Answers every request with an HTML login page, truncated JSON, or a
    non-JSON 500 whose first 200 bytes end inside a two-byte character."""
    truncated = False
    utf8_500 = False

    def do_GET(self):
        if self.utf8_500:
            body = ("a" + "é" * 200).encode()
            self.send_response(500)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.truncated:
            body = b'{"enableDcs": "tr'
            ctype = "application/json"
        else:
            body = b"<html><body>Sign in to continue</body></html>"
            ctype = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PATCH = do_GET

    def log_message(self, *args):
        pass


class ProviderErrorsTest(AcceptanceTest):

    def apply_fails(self, provider_body, *needles, env=None):
        self.ws.env.update(env or {})
        self.ws.write_config(config(provider_body))
        self.ws.init()
        started = time.time()
        result = self.ws.apply(check=False)
        self.assertFails(result, *needles)
        self.assertNotIn("panic", result.output.lower(), result.describe())
        self.assertNotIn("crash", result.output.lower(), result.describe())
        return result, time.time() - started

    def test_no_credentials_lists_what_to_set(self):
        self.apply_fails("", "Databricks workspace not configured", "DATABRICKS_HOST")

    def test_wrong_token_is_a_401_with_a_hint_and_no_token_echo(self):
        emu = Emulator()
        self.addCleanup(emu.stop)
        result, _ = self.apply_fails(f'host = "{emu.url}"\n  token = "dapi-wrong-token-1234"',
                                     "Check the credentials")
        self.assertNotIn("dapi-wrong-token-1234", result.output)

    def test_unresolvable_host_fails_within_the_retry_budget(self):
        _, seconds = self.apply_fails('host = "https://no-such-workspace.invalid"\n  token = "x"\n'
                                      '  retry_timeout_seconds = 3',
                                      "no-such-workspace.invalid", "retry_timeout_seconds")
        self.assertLess(seconds, 60)

    def _garbage_server(self, truncated, utf8_500=False):
        handler = type("Handler", (_Garbage,), {"truncated": truncated, "utf8_500": utf8_500})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def test_html_answer_says_the_host_is_not_a_workspace(self):
        url = self._garbage_server(truncated=False)
        self.apply_fails(f'host = "{url}"\n  token = "x"\n  retry_timeout_seconds = 2',
                         "not the documented API response")

    def test_truncated_json_is_a_diagnostic(self):
        url = self._garbage_server(truncated=True)
        self.apply_fails(f'host = "{url}"\n  token = "x"\n  retry_timeout_seconds = 2', "Error:")

    def test_error_body_cut_inside_a_character_reaches_the_user(self):
        # Issue 14: the first 200 bytes of this body end in the middle of "é";
        # the cut used to put invalid UTF-8 into the diagnostic, protobuf
        # refused the reply and the user saw "rpc error: code = Internal …
        # string field contains invalid UTF-8" instead of the workspace's error.
        url = self._garbage_server(truncated=False, utf8_500=True)
        result, _ = self.apply_fails(f'host = "{url}"\n  token = "x"\n  retry_timeout_seconds = 2',
                                     "aéééé", "HTTP 500")
        self.assertNotIn("invalid UTF-8", result.output, result.describe())
        self.assertNotIn("rpc error", result.output, result.describe())

    def test_absurd_rate_limit_is_refused_at_validate(self):
        self.ws.write_config(config('host = "http://127.0.0.1:9"\n  token = "x"\n  rate_limit = 1e-300'))
        self.ws.init()
        result = self.ws.validate()
        self.assertFails(result, "rate_limit", "out of range")


if __name__ == "__main__":
    unittest.main()
