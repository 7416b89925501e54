"""dcs_image with BuildKit through the Engine API session, against the real
private dockerd (Debian docker.io 20.10, API 1.41) and a real registry, with
the real client: cache mounts, build secrets that leak nowhere, the
.dockerignore-filtered context as the only files the engine receives, and
the diagnostics for Dockerfile features or settings the builder cannot
serve. Images are FROM scratch with busybox-static."""

import gzip
import hashlib
import io
import json
import os
import signal
import subprocess
import tarfile
import time
import uuid

from containers import ContainerEnv, DockerProxy, Registry, write_context, ACCEPT
from harness import AcceptanceTest
from test_image import image_block, provider_block, supports_write_only

ENV = None


def setUpModule():
    global ENV
    ENV = ContainerEnv.start()


def tearDownModule():
    if ENV:
        ENV.stop()


# busybox-static installs its applets, so that shell-form RUN works FROM scratch.
BASE = """FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
"""


def image_blobs(registry, repo, tag):
    """The raw bytes of the manifest, the config and every layer (layers also
    decompressed) of repo:tag."""
    status, _, manifest = registry.request("GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
    assert status == 200, f"manifest {repo}:{tag} → {status}"
    doc = json.loads(manifest)
    blobs = {"manifest": manifest}
    for i, d in enumerate([doc["config"]] + doc["layers"]):
        status, _, body = registry.request("GET", f"/v2/{repo}/blobs/{d['digest']}")
        assert status == 200, f"blob {d['digest']} → {status}"
        blobs[f"blob{i}"] = body
        if body[:2] == b"\x1f\x8b":
            blobs[f"blob{i}-unzipped"] = gzip.decompress(body)
    return blobs


def file_in_layers(blobs, name):
    """Content of `name` in the last layer that has it, or None."""
    found = None
    for key, data in blobs.items():
        if not key.endswith("-unzipped"):
            continue
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            for member in tar.getmembers():
                if member.name.lstrip("./") == name and member.isfile():
                    found = tar.extractfile(member).read().decode()
    return found


class BuildKitImageTest(AcceptanceTest):

    def setUp(self):
        super().setUp()
        self.proxy = DockerProxy(capture=True)
        self.addCleanup(self.proxy.stop)
        self.repo = f"acc/bk-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")
        self.registry = Registry(ENV.plain)

    def config(self, extra="", dockerfile=None):
        if dockerfile is not None:
            extra = f"  dockerfile_inline = {json.dumps(dockerfile)}\n" + extra
        return (provider_block(self.proxy.url) +
                image_block("app", f"{ENV.plain}/{self.repo}", ["v1"], self.context, extra))

    def test_cache_mount_content_survives_into_the_next_build(self):
        cache_id = f"dcs-acc-{uuid.uuid4().hex[:8]}"
        mark = uuid.uuid4().hex
        write_context(self.context, {"Dockerfile": BASE + (
            f"RUN --mount=type=cache,id={cache_id},target=/cache sh -c 'echo {mark} > /cache/left-by-first'\n")})
        self.ws.write_config(self.config())
        self.ws.init()
        self.ws.apply()
        first = self.ws.outputs()["app_digest"]
        # A changed later step: it runs again and must find the file the first
        # build left in the cache mount (it fails otherwise).
        write_context(self.context, {"Dockerfile": BASE + (
            f"RUN --mount=type=cache,id={cache_id},target=/cache sh -c "
            f"'test \"$(cat /cache/left-by-first)\" = {mark} && cp /cache/left-by-first /found'\n")})
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 2)
        self.ws.apply()
        second = self.ws.outputs()["app_digest"]
        self.assertNotEqual(first, second)
        self.assertEqual(self.registry.head_digest(self.repo, "v1"), second)
        self.assertEqual(file_in_layers(image_blobs(self.registry, self.repo, "v1"), "found"), mark + "\n")

    def test_secret_reaches_the_step_and_nothing_else(self):
        token = "tok-" + uuid.uuid4().hex
        file_secret = "file-" + uuid.uuid4().hex
        secret_file = self.ws.path("secret.txt")
        with open(secret_file, "w") as f:
            f.write(file_secret)
        write_context(self.context, {"Dockerfile": BASE + """ARG TOKEN_SHA
ARG FILE_SHA
RUN --mount=type=secret,id=token --mount=type=secret,id=filetok sh -c '\\
  test "$(sha256sum < /run/secrets/token | cut -d" " -f1)" = "$TOKEN_SHA" && \\
  test "$(sha256sum < /run/secrets/filetok | cut -d" " -f1)" = "$FILE_SHA" && \\
  echo secrets-ok > /secrets-ok'
"""})
        # Clients with write-only attributes get the value from an ephemeral
        # variable (a literal would be copied into the saved plan with the
        # configuration); older clients, which would keep `value` in state,
        # read it from the provider's environment.
        write_only = supports_write_only(self.ws)
        if write_only:
            self.ws.env["TF_VAR_token"] = token
        else:
            self.ws.env["DCS_ACC_TOKEN"] = token

        def config(version):
            source = "value = var.token" if write_only else 'env = "DCS_ACC_TOKEN"'
            variable = ('variable "token" {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n'
                        if write_only else "")
            return variable + self.config(f"""
  build_args = {{
    TOKEN_SHA = "{hashlib.sha256(token.encode()).hexdigest()}"
    FILE_SHA  = "{hashlib.sha256(file_secret.encode()).hexdigest()}"
  }}
  secret {{
    id      = "token"
    {source}
    version = "{version}"
  }}
  secret {{
    id   = "filetok"
    file = "{secret_file}"
  }}
""")
        self.ws.write_config(config("1"))
        self.ws.init()
        trace = self.ws.path("trace.log")
        self.ws.env.update(TF_LOG="TRACE", TF_LOG_PATH=trace)
        self.ws.apply()
        self.assertEqual(file_in_layers(image_blobs(self.registry, self.repo, "v1"), "secrets-ok"), "secrets-ok\n")
        with open(trace, errors="replace") as f:
            trace_text = f.read()
        self.assertIn("secret served", trace_text, "the provider's TRACE output is in the log")
        places = {"state": json.dumps(self.ws.state_pull()), "TF_LOG=TRACE output": trace_text}
        for name, blob in image_blobs(self.registry, self.repo, "v1").items():
            places[f"registry {name}"] = blob.decode("latin-1")
        # Changing only the value plans nothing; the version knob rebuilds.
        self.ws.env["TF_VAR_token" if write_only else "DCS_ACC_TOKEN"] = "another-" + token
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        self.ws.env["TF_VAR_token" if write_only else "DCS_ACC_TOKEN"] = token
        self.ws.write_config(config("2"))
        plan = self.ws.plan("-detailed-exitcode", "-out=tfplan")
        self.assertSucceeds(plan, 2)
        places["saved plan (show -json)"] = json.dumps(self.ws.show_json("tfplan"))
        places["plan output"] = plan.output
        for where, text in places.items():
            for secret in (token, file_secret):
                self.assertNotIn(secret, text, f"a secret value leaked into the {where}")
        # The engine got only the secrets' hashes as build arguments; the
        # proxy saw the secret values cross the session, as it must.
        self.assertIn(token.encode(), self.proxy.sent())

    def test_engine_receives_exactly_the_filtered_context(self):
        marker = "IGNORED-" + uuid.uuid4().hex
        write_context(self.context, {
            "Dockerfile": BASE + "RUN --mount=type=bind,target=/ctx sh -c 'cd /ctx && find . | sort > /listing'\n",
            ".dockerignore": "ignored.txt\nprivate\n*.log\n",
            "ignored.txt": marker, "private/key.pem": marker, "debug.log": marker,
            "app.txt": "kept\n", "src/main.py": "print(1)\n"})
        self.ws.write_config(self.config())
        self.ws.init()
        self.ws.apply()
        listing = file_in_layers(image_blobs(self.registry, self.repo, "v1"), "listing").split()
        self.assertEqual(listing, [".", "./.dockerignore", "./Dockerfile", "./app.txt", "./busybox", "./src",
                                   "./src/main.py"])
        self.assertNotIn(marker.encode(), self.proxy.sent(), "an ignored file's content reached the engine")
        # Editing an ignored file plans nothing.
        with open(os.path.join(self.context, "ignored.txt"), "w") as f:
            f.write("changed\n")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

    def assertNothingPushed(self):
        self.assertEqual(self.registry.tags(self.repo), [], "nothing may be pushed when the build is refused or fails")

    def test_heredoc_on_a_frontend_without_heredocs(self):
        write_context(self.context, {})
        dockerfile = BASE + "RUN <<EOF\necho hi > /hi\nEOF\n"
        for builder in ("", 'builder = "classic"\n'):
            with self.subTest(builder=builder or "default"):
                self.ws.write_config(self.config(builder, dockerfile=dockerfile))
                self.ws.init()
                result = self.ws.apply(check=False)
                self.assertFails(result, "Dockerfile heredocs are not supported by this builder", "builder")
                text = " ".join(result.output.split())
                if builder:
                    self.assertIn("classic builder has no heredocs", text)
                else:
                    self.assertIn("Engine API 1.41", text)
                    self.assertIn("dockerfile_inline", text)  # the attribute that holds the heredoc
        self.assertNothingPushed()
        self.assertEqual(self.proxy.builds(), [], "refused before any build request")

    def test_secret_used_but_not_configured(self):
        write_context(self.context, {})
        self.ws.write_config(self.config(dockerfile=BASE + "RUN --mount=type=secret,id=pip_index cat /run/secrets/pip_index\n"))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFails(result, "Dockerfile secret not configured", '"pip_index"', "secret {")
        self.assertNothingPushed()

    def test_run_mount_with_the_classic_builder(self):
        write_context(self.context, {})
        self.ws.write_config(self.config('builder = "classic"\n',
                                         dockerfile=BASE + "RUN --mount=type=cache,target=/c true\n"))
        self.ws.init()
        self.assertFails(self.ws.apply(check=False), "RUN --mount needs BuildKit", 'builder = "buildkit"')
        self.assertNothingPushed()

    def test_dockerfile_syntax_error(self):
        write_context(self.context, {})
        self.ws.write_config(self.config(dockerfile="FROM scratch\nBOGUS x\n"))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFails(result, "Image build failed", "unknown instruction", "BOGUS", "dockerfile_inline")
        self.assertNothingPushed()

    def test_engine_without_buildkit(self):
        write_context(self.context, {"Dockerfile": BASE})
        self.ws.env["DOCKER_API_VERSION"] = "1.38"  # what an Engine 18.06 speaks: no BuildKit session
        self.ws.write_config(self.config('builder = "buildkit"\n'))
        self.ws.init()
        result = self.ws.apply(check=False)
        self.assertFails(result, "The Docker engine cannot build with BuildKit", "1.38", 'builder = "classic"')
        self.assertNothingPushed()
        # Unset, the builder follows the engine: classic here, and the build works.
        self.ws.write_config(self.config())
        self.ws.apply()
        self.assertIsNotNone(self.registry.head_digest(self.repo, "v1"))

    def test_session_lost_mid_build(self):
        write_context(self.context, {"Dockerfile": BASE + "COPY app.txt /app.txt\n", "app.txt": "x\n"})
        cutting = DockerProxy(cut_session_on_build=True)
        self.addCleanup(cutting.stop)
        self.ws.write_config(self.config().replace(self.proxy.url, cutting.url))
        self.ws.init()
        start = time.monotonic()
        result = self.ws.apply(check=False)
        self.assertEqual(cutting.sessions_cut, 1, cutting.requests)
        self.assertFails(result, "Image build failed")
        self.assertIn("The BuildKit session", result.output)
        self.assertIn("was closed by the engine", " ".join(result.output.split()))
        self.assertLess(time.monotonic() - start, 120, "the apply must not hang on a lost session")
        self.assertNothingPushed()

    def test_interrupt_stops_a_long_build(self):
        # Ctrl-C makes the client send StopProvider; the provider abandons the
        # build (the engine cancels it when the connection drops) instead of
        # waiting for the step to end.
        write_context(self.context, {"Dockerfile": BASE + "RUN sleep 300\n"})
        self.ws.write_config(self.config())
        self.ws.init()
        log_path = self.ws.path("provider.log")
        env = dict(self.ws.env, TF_LOG="INFO", TF_LOG_PATH=log_path)
        proc = subprocess.Popen([self.ws.client, "apply", "-auto-approve", "-input=false", "-no-color"],
                                cwd=self.ws.dir, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with open(log_path, errors="replace") if os.path.exists(log_path) else io.StringIO() as f:
                    if "RUN sleep 300" in f.read():
                        break
                time.sleep(0.5)
            else:
                self.fail("the RUN step never started")
            time.sleep(2)
            stopped_at = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=90)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
        self.assertLess(time.monotonic() - stopped_at, 60, "the stop was not honoured")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Image build stopped", out + err)
        self.assertNothingPushed()

    def test_private_base_image_through_the_session_credentials(self):
        # BuildKit ignores X-Registry-Config: the engine asks the session's
        # Auth service for the base image's registry credentials.
        base = f"{self.repo}-base"
        Registry(ENV.basic, ENV.user, ENV.password).push_synthetic(base, "v1", "2024-01-01T00:00:00Z")
        write_context(self.context, {"Dockerfile": f"FROM {ENV.basic}/{base}:v1\nCOPY busybox /bin/busybox\n"})
        auth = f"""
  registry_auth {{
    username = "{ENV.user}"
    password = "{ENV.password}"
  }}
"""
        self.ws.write_config(provider_block(self.proxy.url) +
                             image_block("app", f"{ENV.basic}/{self.repo}", ["v1"], self.context, auth))
        self.ws.init()
        self.ws.apply()
        registry = Registry(ENV.basic, ENV.user, ENV.password)
        self.assertEqual(self.ws.outputs()["app_digest"], registry.head_digest(self.repo, "v1"))
        self.assertEqual(Registry(ENV.basic).request("HEAD", f"/v2/{base}/manifests/v1")[0], 401,
                         "the base image is private")
