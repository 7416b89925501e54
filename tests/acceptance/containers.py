"""Docker and registry fixtures for the dcs_image acceptance tests.

    env = ContainerEnv.start()      # private dockerd (scripts/start-docker.sh) + three
                                    # registries on free loopback ports (start-registry.sh)
    env.stop()                      # stops the registries, and dockerd if we started it

A `DockerProxy` sits between the provider and dockerd on its own unix socket
and records the request lines, so a test can prove that no build reached the
engine. `Registry` talks to a registry over HTTP (manifest HEAD, tags,
synthetic pushes with a chosen creation time). `TlsDockerd` is a second
engine on tcp://127.0.0.1 with --tlsverify and openssl-made certificates (the
remote build host path). `ThrottledTcpProxy` slows the bytes a client sends
to a registry (a push that takes seconds). Standard library and openssl only."""

import base64
import hashlib
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

_HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(_HERE))
DOCKER_SOCK = "/run/dcs-docker.sock"
BUSYBOX = "/bin/busybox"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
ACCEPT = ", ".join([MANIFEST_V2, "application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json"])


def _free_port():
    return _free_ports(1)[0]


def _free_ports(n):
    """n distinct free loopback ports: the sockets stay bound until all are
    picked, so the kernel cannot hand out the same port twice."""
    sockets = [socket.socket() for _ in range(n)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def listens_on(pid, port):
    """Whether process pid is the one listening on loopback port: an answer on
    the port alone may come from another test's server that took the port."""
    out = subprocess.run(["ss", "-Hltnp", f"sport = :{port}"], capture_output=True, text=True,
                         stdin=subprocess.DEVNULL, timeout=30)
    return f"pid={pid}," in out.stdout


def _docker_running():
    conn = _UnixHTTPConnection(DOCKER_SOCK)
    try:
        conn.request("GET", "/_ping")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=120)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self._path)


def docker_api(method, path):
    """(status, parsed JSON) of one Engine API call on the private daemon."""
    conn = _UnixHTTPConnection(DOCKER_SOCK)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw.strip() else None)
    finally:
        conn.close()


class ContainerEnv:
    """dockerd + plain / htpasswd / token registries for one test module."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dcs-acc-registry-")
        self._pick_ports()
        self.started_docker = False
        self.info = {}

    @classmethod
    def start(cls, docker=True):
        """docker=False: the registries only (for tests with their own engine)."""
        env = cls()
        if docker:
            env.started_docker = not _docker_running()
            out = subprocess.run(["bash", os.path.join(REPO, "scripts", "start-docker.sh")],
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
            if out.returncode != 0:
                raise AssertionError(f"start-docker.sh failed:\n{out.stdout}{out.stderr}")
        for _ in range(3):
            args = ["bash", os.path.join(REPO, "scripts", "start-registry.sh"), "--run-dir", env.dir,
                    "--plain", str(env.ports["plain"]), "--basic", str(env.ports["basic"]),
                    "--token", str(env.ports["token"]), "--token-server", str(env.ports["token_server"])]
            out = subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
            if out.returncode != 3:  # 3: a port was taken between picking and binding (parallel tests)
                break
            subprocess.run(["bash", os.path.join(REPO, "scripts", "start-registry.sh"), "--stop",
                            "--run-dir", env.dir], capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
            env._pick_ports()
        if out.returncode != 0:
            env.stop()
            raise AssertionError(f"start-registry.sh failed:\n{out.stdout}{out.stderr}")
        for line in out.stdout.splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                env.info[k] = v
        return env

    def _pick_ports(self):
        self.ports = dict(zip(("plain", "basic", "token", "token_server"), _free_ports(4)))

    @property
    def plain(self):
        return self.info["REGISTRY_PLAIN"]

    @property
    def basic(self):
        return self.info["REGISTRY_BASIC"]

    @property
    def token(self):
        return self.info["REGISTRY_TOKEN"]

    @property
    def user(self):
        return self.info["REGISTRY_USER"]

    @property
    def password(self):
        return self.info["REGISTRY_PASSWORD"]

    def stop(self):
        subprocess.run(["bash", os.path.join(REPO, "scripts", "start-registry.sh"), "--stop",
                        "--run-dir", self.dir], capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
        if self.started_docker:
            subprocess.run(["bash", os.path.join(REPO, "scripts", "start-docker.sh"), "--stop"],
                           capture_output=True, stdin=subprocess.DEVNULL, timeout=120)


class DockerProxy:
    """A unix-socket proxy in front of dockerd that records every request line
    (e.g. "POST /v1.41/build?..."). Point the provider's docker_host at
    `self.url`."""

    _REQUEST = re.compile(rb"(GET|HEAD|POST|PUT|DELETE) (/[^ \r\n]*) HTTP/1\.[01]\r\n")

    def __init__(self, capture=False, upstream=DOCKER_SOCK, cut_session_on_build=False):
        """capture=True keeps every byte the provider sends to the engine
        (`sent()`), so that a test can prove some content never reached it.
        `upstream`: another unix socket to forward to (a buildkitd, whose
        gRPC requests are not text: `connections` counts its clients)."""
        self.capture = capture
        self.upstream = upstream
        self.connections = 0
        # cut_session_on_build: when a build request arrives, drop every
        # BuildKit session connection (an engine-side session loss mid-build).
        self.cut_session_on_build = cut_session_on_build
        self._sessions = []
        self.sessions_cut = 0
        self._sent = bytearray()
        self.dir = tempfile.mkdtemp(prefix="dcs-docker-proxy-")
        self.path = os.path.join(self.dir, "docker.sock")
        self.url = "unix://" + self.path
        self.requests = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(self.path)
        self._server.listen(16)
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def sent(self):
        with self._lock:
            return bytes(self._sent)

    def builds(self):
        with self._lock:
            return [r for r in self.requests if r.startswith("POST ") and "/build" in r]

    def stop(self):
        self._stopped = True
        try:
            self._server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._server.close()

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.upstream)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _on_request(self, line, src, dst):
        if not self.cut_session_on_build:
            return
        path = line.split(" ", 1)[1].split("?", 1)[0]
        if line.startswith("POST ") and path.endswith("/session"):
            with self._lock:
                self._sessions.append((src, dst))
        elif line.startswith("POST ") and path.endswith("/build"):
            with self._lock:
                sessions, self._sessions = self._sessions, []
            for pair in sessions:
                self.sessions_cut += 1
                for s in pair:
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def _pump(self, src, dst, record):
        tail = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if record and self.capture:
                    with self._lock:
                        self._sent += data
                if record:
                    window = tail + data
                    for m in self._REQUEST.finditer(window):
                        if m.end() > len(tail):  # not already seen in the previous chunk
                            line = f"{m.group(1).decode()} {m.group(2).decode(errors='replace')}"
                            with self._lock:
                                self.requests.append(line)
                            self._on_request(line, src, dst)
                    tail = window[-2048:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            if not record:  # the second pump of a pair closes both ends
                src.close()
                dst.close()


class ThrottledTcpProxy:
    """A loopback TCP proxy in front of a registry (`host` = "127.0.0.1:port",
    which dockerd treats as an insecure registry like the one behind it) that
    forwards what the client sends at `rate` bytes per second (None: as fast
    as it comes), so that a push of a few megabytes takes seconds.
    `uploaded` counts the bytes forwarded upstream; `wait_uploaded(n)` blocks
    until n of them went through (a push is then under way)."""

    CHUNK = 16384

    def __init__(self, upstream, rate=None):
        self.upstream = upstream
        self.rate = rate
        self.uploaded = 0
        self._cond = threading.Condition()
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(32)
        self.host = f"127.0.0.1:{self._server.getsockname()[1]}"
        self._stopped = False
        self._sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def wait_uploaded(self, n, timeout=120):
        with self._cond:
            if not self._cond.wait_for(lambda: self.uploaded >= n, timeout):
                raise AssertionError(f"only {self.uploaded} of {n} bytes were sent through {self.host}")

    def stop(self):
        self._stopped = True
        for s in [self._server, *self._sockets]:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept(self):
        host, port = self.upstream.rsplit(":", 1)
        while not self._stopped:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = socket.create_connection((host, int(port)))
            self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src, dst, outbound):
        try:
            while True:
                data = src.recv(self.CHUNK)
                if not data:
                    break
                if outbound and self.rate:
                    time.sleep(len(data) / self.rate)
                dst.sendall(data)
                if outbound:
                    with self._cond:
                        self.uploaded += len(data)
                        self._cond.notify_all()
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Registry:
    """HTTP access to one registry (basic credentials optional; the token
    registry is reached through its realm like any client)."""

    def __init__(self, host, user=None, password=None):
        self.host = host
        self.user, self.password = user, password
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def _auth_header(self, challenge):
        if not self.user:
            return None
        basic = "Basic " + base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        if challenge.lower().startswith("basic"):
            return basic
        params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        url = f"{params['realm']}?service={params.get('service', '')}&scope={params.get('scope', '')}"
        req = urllib.request.Request(url, headers={"Authorization": basic})
        with self._opener.open(req, timeout=30) as resp:
            return "Bearer " + json.loads(resp.read())["token"]

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes); follows one auth challenge."""
        headers = dict(headers or {})
        for _ in range(2):
            req = urllib.request.Request(f"http://{self.host}{path}", data=body, method=method, headers=headers)
            try:
                with self._opener.open(req, timeout=60) as resp:
                    return resp.status, dict(resp.headers), resp.read()
            except urllib.error.HTTPError as err:
                if err.code == 401 and "Authorization" not in headers:
                    auth = self._auth_header(err.headers.get("WWW-Authenticate", ""))
                    if auth:
                        headers["Authorization"] = auth
                        continue
                return err.code, dict(err.headers), err.read()
        raise AssertionError("unreachable")

    def head_digest(self, repo, ref):
        """Docker-Content-Digest of repo:ref, or None when absent."""
        status, headers, _ = self.request("HEAD", f"/v2/{repo}/manifests/{ref}", headers={"Accept": ACCEPT})
        if status == 404:
            return None
        assert status == 200, f"HEAD {repo}:{ref} → {status}"
        return headers.get("Docker-Content-Digest")

    def tags(self, repo):
        status, _, body = self.request("GET", f"/v2/{repo}/tags/list")
        if status == 404:
            return []
        assert status == 200, f"tags of {repo} → {status}: {body[:200]}"
        return sorted(json.loads(body).get("tags") or [])

    def push_synthetic(self, repo, tag, created):
        """Pushes a layer-less image whose config says `created` (RFC 3339)
        under repo:tag; returns its manifest digest."""
        config = json.dumps({"architecture": "amd64", "os": "linux", "created": created,
                             "config": {"Labels": {"synthetic": tag}},
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        digest = "sha256:" + hashlib.sha256(config).hexdigest()
        status, headers, body = self.request("POST", f"/v2/{repo}/blobs/uploads/", body=b"")
        assert status == 202, f"blob upload start → {status}: {body[:200]}"
        location = headers["Location"]
        location = location if location.startswith("/") else "/" + location.split("/", 3)[3]
        sep = "&" if "?" in location else "?"
        status, _, body = self.request("PUT", f"{location}{sep}digest={digest}", body=config,
                                       headers={"Content-Type": "application/octet-stream"})
        assert status == 201, f"blob upload → {status}: {body[:200]}"
        manifest = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_V2,
                               "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                                          "size": len(config), "digest": digest},
                               "layers": []}).encode()
        status, headers, body = self.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                             headers={"Content-Type": MANIFEST_V2})
        assert status == 201, f"manifest PUT → {status}: {body[:200]}"
        return headers.get("Docker-Content-Digest")


def write_context(directory, files):
    """Creates a build context: busybox-static plus {relative path: text}."""
    os.makedirs(directory, exist_ok=True)
    import shutil
    shutil.copy(BUSYBOX, os.path.join(directory, "busybox"))
    for name, text in files.items():
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


def make_tls_material(directory):
    """openssl-made certificates for a TLS Docker Engine on 127.0.0.1, laid
    out the way DOCKER_CERT_PATH expects (ca.pem, cert.pem, key.pem):

        server/   ca.pem, cert.pem (SAN IP:127.0.0.1, serverAuth), key.pem
        client/   ca.pem, cert.pem (clientAuth), key.pem   — the good client
        stranger/ ca.pem, cert.pem, key.pem of another CA   — trusted by nobody
    """
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, stdin=subprocess.DEVNULL)

    def ca(d, name):
        os.makedirs(d, exist_ok=True)
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", os.path.join(d, "ca-key.pem"), "-out", os.path.join(d, "ca.pem"),
            "-days", "2", "-subj", f"/CN={name}")

    def leaf(d, ca_dir, cn, ext):
        os.makedirs(d, exist_ok=True)
        extfile = os.path.join(d, "ext.cnf")
        with open(extfile, "w") as f:
            f.write(ext + "\n")
        run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", os.path.join(d, "key.pem"), "-out", os.path.join(d, "req.csr"), "-subj", f"/CN={cn}")
        run("x509", "-req", "-in", os.path.join(d, "req.csr"), "-CA", os.path.join(ca_dir, "ca.pem"),
            "-CAkey", os.path.join(ca_dir, "ca-key.pem"), "-CAcreateserial", "-days", "2",
            "-extfile", extfile, "-out", os.path.join(d, "cert.pem"))
        with open(os.path.join(ca_dir, "ca.pem")) as src, open(os.path.join(d, "ca.pem"), "w") as dst:
            dst.write(src.read())

    ca(os.path.join(directory, "ca"), "dcs test CA")
    ca(os.path.join(directory, "other-ca"), "another CA")
    leaf(os.path.join(directory, "server"), os.path.join(directory, "ca"), "127.0.0.1",
         "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
    leaf(os.path.join(directory, "client"), os.path.join(directory, "ca"), "dcs-client",
         "extendedKeyUsage=clientAuth")
    leaf(os.path.join(directory, "stranger"), os.path.join(directory, "other-ca"), "stranger",
         "extendedKeyUsage=clientAuth")


class TlsDockerd:
    """A second, private dockerd that listens only on tcp://127.0.0.1:<port>
    with --tlsverify (client certificates required), the way a shared remote
    build host is set up. Own data root, exec root and pid file; stopped by
    stop(). Builds FROM scratch need nothing from outside."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dcs-tls-docker-")
        # containerd's socket path must stay short: a run dir under /run.
        self.exec_root = tempfile.mkdtemp(prefix="dcs-tls-", dir="/run")
        self.port = _free_port()
        self.host = f"tcp://127.0.0.1:{self.port}"
        self.certs = os.path.join(self.dir, "certs")
        self.log_path = os.path.join(self.dir, "dockerd.log")
        self.proc = None

    def start(self):
        make_tls_material(self.certs)
        server = os.path.join(self.certs, "server")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                ["dockerd", "--storage-driver=vfs", "--iptables=false", "--ip-masq=false", "--bridge=none",
                 "--host", self.host, "--tlsverify",
                 "--tlscacert", os.path.join(server, "ca.pem"),
                 "--tlscert", os.path.join(server, "cert.pem"),
                 "--tlskey", os.path.join(server, "key.pem"),
                 "--data-root", os.path.join(self.dir, "data"), "--exec-root", self.exec_root,
                 "--pidfile", os.path.join(self.dir, "dockerd.pid")],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        for _ in range(300):
            if self.proc.poll() is not None:
                break
            if self.ping() == 200:
                return self
            time.sleep(0.1)
        log = self.log()
        self.stop()
        raise AssertionError(f"the TLS dockerd did not answer /_ping within 30 s:\n{log[-3000:]}")

    def cert_dir(self, who="client"):
        return os.path.join(self.certs, who)

    def _context(self):
        ctx = ssl.create_default_context(cafile=os.path.join(self.cert_dir(), "ca.pem"))
        ctx.load_cert_chain(os.path.join(self.cert_dir(), "cert.pem"), os.path.join(self.cert_dir(), "key.pem"))
        return ctx

    def api(self, method, path):
        """(status, parsed JSON) of one Engine API call, as the good client."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self._context(), timeout=60)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            raw = resp.read()
            try:
                return resp.status, (json.loads(raw) if raw.strip() else None)
            except ValueError:
                return resp.status, raw.decode(errors="replace")
        finally:
            conn.close()

    def ping(self):
        try:
            return self.api("GET", "/_ping")[0]
        except (OSError, ssl.SSLError):
            return None

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir, self.exec_root], capture_output=True)


class Buildkitd:
    """A standalone buildkitd (built by scripts/build-buildkitd.sh from its Go
    module), rootful with Debian's runc and the native snapshotter, state in
    its own temporary root. tls=False: a unix socket; tls=True:
    tcp://127.0.0.1:<port> with mutual TLS (openssl-made certificates, see
    make_tls_material). stop() kills it and removes its state."""

    RUNC = "/usr/sbin/runc"

    def __init__(self, tls=False):
        self.tls = tls
        self.dir = tempfile.mkdtemp(prefix="dcs-buildkitd-")
        self.log_path = os.path.join(self.dir, "buildkitd.log")
        self.certs = os.path.join(self.dir, "certs")
        self.proc = None
        if tls:
            self.port = _free_port()
            self.host = f"tcp://127.0.0.1:{self.port}"
        else:
            self.socket = os.path.join(self.dir, "buildkitd.sock")
            self.host = "unix://" + self.socket

    @staticmethod
    def binary():
        out = subprocess.run(["bash", os.path.join(REPO, "scripts", "build-buildkitd.sh")], capture_output=True,
                             text=True, stdin=subprocess.DEVNULL, timeout=2400)
        if out.returncode != 0:
            raise AssertionError(f"build-buildkitd.sh failed:\n{out.stderr[-3000:]}")
        for line in out.stdout.splitlines():
            if line.startswith("buildkitd="):
                return line.split("=", 1)[1]
        raise AssertionError(f"build-buildkitd.sh printed no path:\n{out.stdout}")

    def cert_dir(self, who="client"):
        return os.path.join(self.certs, who)

    def start(self):
        args = [self.binary(), "--addr", self.host, "--root", os.path.join(self.dir, "root"),
                "--oci-worker-snapshotter", "native", "--oci-worker-binary", self.RUNC,
                "--oci-worker-net", "host", "--containerd-worker", "false"]
        if self.tls:
            make_tls_material(self.certs)
            server = self.cert_dir("server")
            args += ["--tlscacert", os.path.join(server, "ca.pem"), "--tlscert", os.path.join(server, "cert.pem"),
                     "--tlskey", os.path.join(server, "key.pem")]
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        for _ in range(300):
            if self.proc.poll() is not None:
                break
            if "running server on" in self.log():
                return self
            time.sleep(0.1)
        log = self.log()
        self.stop()
        raise AssertionError(f"buildkitd did not start within 30 s:\n{log[-3000:]}")

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        subprocess.run(["rm", "-rf", self.dir], capture_output=True)
