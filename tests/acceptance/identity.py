"""Federated identity fixtures for the authentication tests: an RSA key made
with the openssl CLI, RS256 JWTs signed with it, and a loopback OIDC issuer
that publishes the key (/.well-known/openid-configuration -> /jwks) the way
GitHub Actions, Azure DevOps or Kubernetes do, plus the GitHub Actions ID
token service (GET <url>&audience=X with a bearer -> {"value": jwt}).

    issuer = Issuer.start()             # self.addCleanup(issuer.stop)
    jwt = issuer.mint(sub="repo:o/r:ref:refs/heads/main", aud="api://AzureADTokenExchange")

Standard library and openssl only."""

import base64
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.parse

GITHUB_SUBJECT = "repo:dcslabs/infra:ref:refs/heads/main"
ENTRA_AUDIENCE = "api://AzureADTokenExchange"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Issuer:
    """An OIDC issuer on 127.0.0.1 with a fresh RSA-2048 key."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dcs-issuer-")
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "genrsa", "-out", self.key, "2048"], check=True, capture_output=True)
        modulus = subprocess.run(["openssl", "rsa", "-in", self.key, "-noout", "-modulus"], check=True,
                                 capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        self.kid = "dcs-test-key"
        self.jwk = {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                    "n": b64url(bytes.fromhex(modulus)), "e": b64url((65537).to_bytes(3, "big"))}
        self.request_bearer = "gh-request-" + b64url(os.urandom(12))
        self.github_subject = GITHUB_SUBJECT
        self.minted = []  # every JWT handed out, so tests can look for leaks
        issuer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, {"issuer": issuer.url, "jwks_uri": issuer.url + "/jwks"})
                if url.path == "/jwks":
                    return self._json(200, {"keys": [issuer.jwk]})
                if url.path == "/gh-token":  # the GitHub Actions ID token service
                    if self.headers.get("Authorization") != "Bearer " + issuer.request_bearer:
                        return self._json(401, {"message": "bad request token"})
                    audience = urllib.parse.parse_qs(url.query).get("audience", [""])[0]
                    return self._json(200, {"value": issuer.mint(sub=issuer.github_subject, aud=audience)})
                self._json(404, {"message": "not found"})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @classmethod
    def start(cls):
        return cls()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @property
    def github_request_url(self):
        return self.url + "/gh-token?api-version=2.0"

    def mint(self, sub=GITHUB_SUBJECT, aud=ENTRA_AUDIENCE, lifetime=600, iss=None, key=None):
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "kid": self.kid}
        claims = {"iss": iss or self.url, "sub": sub, "aud": aud, "iat": now, "nbf": now - 5,
                  "exp": now + lifetime, "jti": b64url(os.urandom(9))}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key or self.key], input=signing_input,
                                   check=True, capture_output=True).stdout
        jwt = signing_input.decode() + "." + b64url(signature)
        self.minted.append(jwt)
        return jwt

    def other_key(self):
        """A key the issuer does not publish (forged signatures)."""
        path = os.path.join(self.dir, "other.pem")
        if not os.path.exists(path):
            subprocess.run(["openssl", "genrsa", "-out", path, "2048"], check=True, capture_output=True)
        return path


def leak_forms(secret):
    """The secret as it could appear in a log or state: plain, base64, base64url."""
    raw = secret.encode()
    return {secret, base64.b64encode(raw).decode().rstrip("="), b64url(raw)}
