"""Serves DIR read-only over HTTPS on 127.0.0.1 (a free port), for the
release test's network mirror and registry: the clients require https for
both. Writes the port to PORTFILE once listening. Files without an extension
(the registry's versions and download documents) are sent as JSON.

    python3 release/serve_https.py DIR CERT KEY PORTFILE
"""

import functools
import http.server
import os
import ssl
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def guess_type(self, path):
        if os.path.splitext(path)[1] in ("", ".json"):
            return "application/json"
        return super().guess_type(path)

    def log_message(self, fmt, *args):
        sys.stderr.write("serve_https: " + (fmt % args) + "\n")


def main(directory, cert, key, portfile):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
