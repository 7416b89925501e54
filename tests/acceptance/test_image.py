"""dcs_image with the real client, a real dockerd and real registries (plain,
htpasswd, token), all on loopback and started by this module.

One dockerd and one registry set serve the whole module; images are FROM
scratch with busybox-static, so nothing is pulled from outside."""

import json
import os
import subprocess
import uuid

from containers import ACCEPT, Buildkitd, ContainerEnv, DockerProxy, Registry, docker_api, write_context
from harness import AcceptanceTest

ENV = None


def setUpModule():
    global ENV
    ENV = ContainerEnv.start()


def tearDownModule():
    if ENV:
        ENV.stop()


DOCKERFILE = """FROM scratch
COPY busybox /bin/busybox
COPY app.txt /app.txt
RUN ["/bin/busybox", "sh", "-c", "echo built > /built"]
"""


def provider_block(docker_host, registry_auth="", buildkit_host=None):
    buildkit = f'  buildkit_host = "{buildkit_host}"\n' if buildkit_host else ""
    return f"""
terraform {{
  required_providers {{
    dcs = {{ source = "dcslabs/dcs" }}
  }}
}}

provider "dcs" {{
  docker_host = "{docker_host}"
{buildkit}{registry_auth}
}}
"""


def registry_config(registry, repo, tag):
    """The image config JSON of repo:tag, read from the registry."""
    status, _, body = registry.request("GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
    assert status == 200, f"manifest {repo}:{tag} → {status}"
    status, _, config = registry.request("GET", f"/v2/{repo}/blobs/{json.loads(body)['config']['digest']}")
    assert status == 200
    return json.loads(config)


def image_block(label, name, tags, context, extra=""):
    tag_list = ", ".join(json.dumps(t) for t in tags)
    return f"""
resource "dcs_image" "{label}" {{
  name    = "{name}"
  tags    = [{tag_list}]
  context = "{context}"
{extra}
}}

output "{label}_digest" {{ value = dcs_image.{label}.digest }}
output "{label}_repo_digest" {{ value = dcs_image.{label}.repo_digest }}
output "{label}_image_id" {{ value = dcs_image.{label}.image_id }}
"""


def supports_write_only(ws):
    name, version = ws.client_version()
    return version >= (1, 11, 0)  # Terraform >= 1.11 and OpenTofu >= 1.11


class ImageTest(AcceptanceTest):
    """The suite with the engine's default builder (BuildKit on Docker 20.10);
    ClassicImageTest repeats it with builder = "classic", BuildkitdImageSuiteTest
    on a standalone buildkitd (buildkit_host)."""

    BUILDER = None
    BUILDKITD = None  # a Buildkitd for the buildkitd variant

    def setUp(self):
        super().setUp()
        self.proxy = DockerProxy()
        self.addCleanup(self.proxy.stop)
        self.bk_proxy = None
        if self.BUILDKITD:
            self.bk_proxy = DockerProxy(upstream=self.BUILDKITD.socket)
            self.addCleanup(self.bk_proxy.stop)
        self.repo = f"acc/{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")

    def builder_line(self):
        return f'  builder = "{self.BUILDER}"\n' if self.BUILDER else ""

    def provider(self, registry_auth=""):
        return provider_block(self.proxy.url, registry_auth, self.bk_proxy.url if self.bk_proxy else None)

    def builds(self):
        """How many builds reached the builder (buildkitd: its connections,
        which only a build opens)."""
        return self.bk_proxy.connections if self.bk_proxy else len(self.proxy.builds())

    def builder_requests(self):
        return self.bk_proxy.connections if self.bk_proxy else list(self.proxy.requests)

    def config(self, registry, tags, extra="", registry_auth=""):
        return (self.provider(registry_auth) +
                image_block("app", f"{registry}/{self.repo}", tags, self.context, self.builder_line() + extra))

    def test_build_push_track_drift_and_promote(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "v1\n",
                                     "ignored.txt": "x\n", ".dockerignore": "ignored.txt\n"})
        reg = Registry(ENV.plain)
        self.ws.write_config(self.config(ENV.plain, ["dev"]))
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        digest, image_id = out["app_digest"], out["app_image_id"]
        self.assertRegex(digest, r"^sha256:[0-9a-f]{64}$")
        self.assertEqual(out["app_repo_digest"], f"{ENV.plain}/{self.repo}@{digest}")
        self.assertEqual(self.builds(), 1, self.proxy.requests)
        # The registry and the engine agree with the state.
        self.assertEqual(reg.head_digest(self.repo, "dev"), digest)
        self.assertIn("org.opencontainers.image.created", registry_config(reg, self.repo, "dev")["config"]["Labels"])
        if not self.BUILDKITD:
            status, inspect = docker_api("GET", f"/images/{image_id}/json")
            self.assertEqual(status, 200)
            self.assertIn(f"{ENV.plain}/{self.repo}@{digest}", inspect["RepoDigests"])
            self.assertIn("org.opencontainers.image.created", inspect["Config"]["Labels"])

        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        with open(os.path.join(self.context, "ignored.txt"), "w") as f:
            f.write("changed but ignored\n")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)
        with open(os.path.join(self.context, "app.txt"), "w") as f:
            f.write("v2\n")
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 2)
        self.assertIn("context_hash", plan.stdout)
        self.assertIn("digest", plan.stdout)
        with open(os.path.join(self.context, "app.txt"), "w") as f:
            f.write("v1\n")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # Someone pushes another image to the tag: plan shows the drift, apply
        # points the tag back without a build.
        other = reg.push_synthetic(self.repo, "dev", "2020-01-01T00:00:00Z")
        self.assertNotEqual(other, digest)
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 2)
        self.assertIn(other, plan.stdout)
        self.ws.apply()
        self.assertEqual(reg.head_digest(self.repo, "dev"), digest)
        self.assertEqual(self.builds(), 1, self.proxy.requests)

        # Promotion: a new tag re-tags the same digest; no build reaches the engine.
        requests_before = self.builder_requests()
        self.ws.write_config(self.config(ENV.plain, ["dev", "staging"]))
        self.ws.apply()
        self.assertEqual(reg.head_digest(self.repo, "staging"), digest)
        self.assertEqual(self.ws.outputs()["app_digest"], digest)
        self.assertEqual(self.builder_requests(), requests_before)
        self.assertEqual(self.builds(), 1)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # Import by registry/repo:tag reads the digest.
        self.ws.must("state", "rm", "dcs_image.app")
        self.ws.must("import", "dcs_image.app", f"{ENV.plain}/{self.repo}:dev")
        shown = self.ws.state_show("dcs_image.app")
        self.assertIn(digest, shown)

    def test_git_revision_and_source_labels_without_credentials(self):
        # .git is ignored, as in most repositories: otherwise every commit
        # changes the context that docker sends.
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "v1\n", ".dockerignore": ".git\n"})
        git = ["git", "-c", "user.name=dcs", "-c", "user.email=dcs@example.invalid", "-C", self.context]
        for args in (["init", "-q"], ["remote", "add", "origin", "https://ci-bot:s3cr3t-token@git.example.com/team/golden.git"],
                     ["add", "-A"], ["commit", "-q", "-m", "first"]):
            subprocess.run(git + args, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        head = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
        self.ws.write_config(self.config(ENV.plain, ["labelled"]))
        self.ws.init()
        self.ws.apply()
        labels = registry_config(Registry(ENV.plain), self.repo, "labelled")["config"]["Labels"]
        self.assertEqual(labels.get("org.opencontainers.image.revision"), head)
        self.assertEqual(labels.get("org.opencontainers.image.source"), "https://git.example.com/team/golden.git")
        self.assertNotIn("s3cr3t-token", json.dumps(labels))
        self.assertNotIn("s3cr3t-token", json.dumps(self.ws.state_pull()))
        # A new commit that changes nothing in the context is not a rebuild.
        subprocess.run(git + ["commit", "-q", "--allow-empty", "-m", "second"], check=True, capture_output=True)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

    def test_failing_run_step_reports_step_and_output(self):
        write_context(self.context, {"Dockerfile": 'FROM scratch\nCOPY busybox /bin/busybox\n'
                                                   'RUN ["/bin/busybox", "sh", "-c", "echo out-one; echo out-two; exit 3"]\n'})
        self.ws.write_config(self.config(ENV.plain, ["broken"]))
        self.ws.init()
        result = self.ws.apply(check=False)
        if self.BUILDER == "classic":
            self.assertFails(result, "Image build failed", "Step 3/", "RUN [\"/bin/busybox\"", "out-one", "out-two",
                             "non-zero code: 3")
        else:  # BuildKit names the step by its vertex ("[2/2] RUN [...]")
            self.assertFails(result, "Image build failed", "[2/2] RUN [\"/bin/busybox\"", "out-one", "out-two",
                             "exit code: 3")
        self.assertEqual(Registry(ENV.plain).tags(self.repo), [], "nothing is pushed when the build fails")

    def test_missing_docker_socket_says_how_to_set_docker_host(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "x\n"})
        if self.bk_proxy:  # the buildkitd variant: its socket is the one that is missing
            config = self.config(ENV.plain, ["x"]).replace(self.bk_proxy.url, "unix:///nonexistent/buildkitd.sock")
            self.ws.write_config(config)
            self.ws.init()
            self.assertFails(self.ws.apply(check=False), "Cannot reach buildkitd", "/nonexistent/buildkitd.sock")
            return
        config = self.config(ENV.plain, ["x"]).replace(self.proxy.url, "unix:///nonexistent/docker.sock")
        self.ws.write_config(config)
        self.ws.init()
        self.assertFails(self.ws.apply(check=False), "Cannot reach the Docker daemon", "DOCKER_HOST",
                         "/nonexistent/docker.sock")

    def auth_block(self, password):
        # `password` is write-only on clients that support it, sensitive on older ones.
        return f"""
  registry_auth {{
    username = "{ENV.user}"
    password = "{password}"
  }}
"""

    def test_htpasswd_and_token_registries(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "auth\n"})
        config = self.provider()
        for label, host in (("basic", ENV.basic), ("token", ENV.token)):
            config += image_block(label, f"{host}/{self.repo}", ["v1"], self.context,
                                  self.builder_line() + self.auth_block(ENV.password))
        self.ws.write_config(config)
        self.ws.init()
        self.ws.apply()
        out = self.ws.outputs()
        for label, host in (("basic", ENV.basic), ("token", ENV.token)):
            reg = Registry(host, ENV.user, ENV.password)
            self.assertEqual(reg.head_digest(self.repo, "v1"), out[f"{label}_digest"], label)
            self.assertEqual(Registry(host).request(
                "HEAD", f"/v2/{self.repo}/manifests/v1")[0], 401, "anonymous access must be refused")
        state = json.dumps(self.ws.state_pull())
        if supports_write_only(self.ws):
            self.assertNotIn(ENV.password, state, "a write-only password must not reach the state")
        else:
            self.assertIn('"sensitive_attributes"', state)
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 0)
        self.assertNotIn(ENV.password, plan.output)

    def test_wrong_password_is_a_clear_401_without_the_password(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "x\n"})
        wrong = "Wr0ng-" + uuid.uuid4().hex
        for host in (ENV.basic, ENV.token):
            with self.subTest(host=host):
                self.ws.write_config(self.provider() +
                                     image_block("app", f"{host}/{self.repo}", ["v1"], self.context,
                                                 self.builder_line() + self.auth_block(wrong)))
                self.ws.init()
                result = self.ws.apply(check=False)
                self.assertFails(result, "rejected the credentials", "401")
                self.assertNotIn(wrong, result.output)
        self.assertEqual(self.builds(), 0, "nothing is built when the credentials are wrong")


class ClassicImageTest(ImageTest):
    """The same suite with the classic builder."""

    BUILDER = "classic"


class BuildkitdImageSuiteTest(ImageTest):
    """The same suite on a standalone buildkitd (provider buildkit_host),
    reached through a counting proxy; BuildKit pushes to the registry itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.BUILDKITD = Buildkitd().start()

    @classmethod
    def tearDownClass(cls):
        if cls.BUILDKITD:
            cls.BUILDKITD.stop()
        super().tearDownClass()


class ImageRetentionTest(AcceptanceTest):
    """retention: keep_last + protect, dry run, untagged manifests."""

    def setUp(self):
        super().setUp()
        self.proxy = DockerProxy()
        self.addCleanup(self.proxy.stop)
        self.repo = f"acc/ret-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.context = self.ws.path("ctx")
        self.reg = Registry(ENV.plain)

    def config(self, dry_run, delete_untagged=False):
        extra = f"""
  retention_dry_run = {str(dry_run).lower()}
  retention {{
    keep_last       = 5
    protect         = ["prod"]
    delete_untagged = {str(delete_untagged).lower()}
    # No workspace here: delete without asking which images are in use.
    require_workspace_check = false
  }}
"""
        return (provider_block(self.proxy.url) +
                image_block("app", f"{ENV.plain}/{self.repo}", ["build"], self.context, extra) +
                'output "deletions" { value = dcs_image.app.retention_deletions }\n')

    def test_keep_last_protect_dry_run_and_untagged(self):
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "retention v1\n"})
        # 12 tags pushed over time (one hour apart); the second oldest is "prod".
        old_tags = [f"t{i:02d}" for i in range(1, 13)]
        old_tags[1] = "prod"
        for i, tag in enumerate(old_tags):
            self.reg.push_synthetic(self.repo, tag, f"2024-01-01T{i:02d}:00:00Z")
        self.assertEqual(self.reg.tags(self.repo), sorted(old_tags))
        newest5 = old_tags[-5:]
        doomed = [t for t in old_tags if t not in newest5 and t != "prod"]

        self.ws.write_config(self.config(dry_run=True))
        self.ws.init()
        self.ws.apply()
        self.assertEqual(self.ws.outputs()["deletions"], doomed)  # oldest first
        self.assertEqual(self.reg.tags(self.repo), sorted(old_tags + ["build"]), "a dry run deletes nothing")
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        self.ws.write_config(self.config(dry_run=False))
        self.ws.apply()
        self.assertEqual(self.reg.tags(self.repo), sorted(newest5 + ["prod", "build"]))
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # A rebuild leaves the previous manifest untagged; delete_untagged removes it.
        first = self.ws.outputs()["app_digest"]
        with open(os.path.join(self.context, "app.txt"), "w") as f:
            f.write("retention v2\n")
        self.ws.write_config(self.config(dry_run=False, delete_untagged=True))
        plan = self.ws.plan("-detailed-exitcode")
        self.assertSucceeds(plan, 2)
        self.assertIn(first, plan.stdout)
        self.ws.apply()
        second = self.ws.outputs()["app_digest"]
        self.assertNotEqual(first, second)
        self.assertEqual(self.reg.head_digest(self.repo, "build"), second)
        self.assertIsNone(self.reg.head_digest(self.repo, first), "the untagged manifest must be gone")
        self.assertEqual(self.reg.tags(self.repo), sorted(newest5 + ["prod", "build"]))
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)


class ImageRetentionWithoutWorkspaceTest(AcceptanceTest):
    """No Databricks workspace configured: retention holds its deletions by
    default, says so at plan and deletes nothing."""

    def test_holds_deletions_and_warns(self):
        proxy = DockerProxy()
        self.addCleanup(proxy.stop)
        reg = Registry(ENV.plain)
        repo = f"acc/hold-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        context = self.ws.path("ctx")
        write_context(context, {"Dockerfile": DOCKERFILE, "app.txt": "hold\n"})
        for i, tag in enumerate(["old1", "old2"]):
            reg.push_synthetic(repo, tag, f"2024-01-01T{i:02d}:00:00Z")
        self.ws.write_config(provider_block(proxy.url) +
                             image_block("app", f"{ENV.plain}/{repo}", ["build"], context,
                                         "  retention {\n    keep_last = 0\n  }\n") +
                             'output "deletions" { value = dcs_image.app.retention_deletions }\n'
                             'output "protected" { value = dcs_image.app.retention_protected }\n')
        self.ws.init()
        plan = self.ws.plan()
        self.assertSucceeds(plan, 0)
        self.assertIn("in-use protection was not checked", " ".join(plan.output.split()))
        self.ws.apply()
        outputs = self.ws.outputs()
        self.assertEqual(outputs["deletions"], [])
        self.assertEqual(sorted(outputs["protected"]), ["old1", "old2"])
        self.assertIn("no Databricks workspace configured", outputs["protected"]["old1"])
        self.assertEqual(reg.tags(repo), ["build", "old1", "old2"])
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)


class ImageRetentionInUseTest(AcceptanceTest):
    """retention against dcs-emulator: images a pool preloads (by digest) or a
    TERMINATED cluster uses (by tag) are never deleted and show in
    retention_protected at plan; the apply deletes only what the plan listed
    and re-checks the workspace first; a workspace that refuses to list
    clusters holds every deletion."""

    def setUp(self):
        from emulator import Emulator
        self.emu = Emulator(enable_dcs=True)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()
        self.proxy = DockerProxy()
        self.addCleanup(self.proxy.stop)
        self.repo = f"acc/inuse-{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        self.name = f"{ENV.plain}/{self.repo}"
        self.context = self.ws.path("ctx")
        self.reg = Registry(ENV.plain)
        write_context(self.context, {"Dockerfile": DOCKERFILE, "app.txt": "in use\n"})

    def config(self):
        extra = "  retention {\n    keep_last = 1\n  }\n"
        return (provider_block(self.proxy.url) + image_block("app", self.name, ["build"], self.context, extra) +
                'output "deletions" { value = dcs_image.app.retention_deletions }\n'
                'output "protected" { value = dcs_image.app.retention_protected }\n')

    def planned_image(self, plan_file):
        doc = self.ws.show_json(plan_file)
        change = [c for c in doc["resource_changes"] if c["address"] == "dcs_image.app"][0]
        return change["change"]["after"]

    def create_cluster(self, name, url, terminate=False):
        cid = self.emu.api("POST", "/api/2.1/clusters/create", {
            "cluster_name": name, "spark_version": "14.3.x-scala2.12", "node_type_id": "Standard_NC6s_v3",
            "num_workers": 1, "data_security_mode": "SINGLE_USER",
            "single_user_name": "emulator-user@example.com", "docker_image": {"url": url}})["cluster_id"]
        if terminate:
            self.emu.wait_for(lambda: self.emu.api("GET", f"/api/2.1/clusters/get?cluster_id={cid}")["state"]
                              == "RUNNING", what="cluster running")
            self.emu.api("POST", "/api/2.1/clusters/delete", {"cluster_id": cid})
            self.emu.wait_for(lambda: self.emu.api("GET", f"/api/2.1/clusters/get?cluster_id={cid}")["state"]
                              == "TERMINATED", what="cluster terminated")
        return cid

    def test_in_use_images_are_protected_at_plan_and_apply(self):
        # Three tags by age v1 < v2 < v3, plus x (between v2 and v3); keep_last = 1
        # keeps v3 and would delete v1, v2 and x.
        digests = {}
        for tag, hour in (("v1", 1), ("v2", 2), ("x", 3), ("v3", 4)):
            digests[tag] = self.reg.push_synthetic(self.repo, tag, f"2024-01-01T{hour:02d}:00:00Z")
        pool = self.emu.api("POST", "/api/2.0/instance-pools/create", {
            "instance_pool_name": f"preload-{uuid.uuid4().hex[:6]}", "node_type_id": "Standard_NC6s_v3",
            "preloaded_spark_versions": ["14.3.x-scala2.12"],
            "preloaded_docker_images": [{"url": f"{self.name}@{digests['v1']}"}]})["instance_pool_id"]
        cluster = self.create_cluster("uses-v2", f"{self.name}:v2", terminate=True)

        self.ws.write_config(self.config())
        self.ws.init()
        plan = self.ws.plan("-out=tfplan")
        self.assertSucceeds(plan, 0)
        after = self.planned_image("tfplan")
        self.assertEqual(after["retention_deletions"], ["x"], "the plan deletes neither in-use image")
        protected = after["retention_protected"]
        self.assertEqual(sorted(protected), ["v1", "v2"])
        self.assertIn(f"instance pool {pool}", protected["v1"])
        self.assertIn(f"preloads {digests['v1']}", protected["v1"])
        self.assertIn(f"cluster {cluster}", protected["v2"])
        self.assertIn("(TERMINATED) uses tag v2", protected["v2"])

        self.ws.apply("tfplan")
        self.assertEqual(self.reg.tags(self.repo), ["build", "v1", "v2", "v3"], "only x, as planned, is gone")
        self.assertEqual(self.ws.outputs()["protected"], protected)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode"), 0)

        # y comes into use between plan and apply. The client plans once more
        # at apply; that plan protects y, differs from the saved one, and the
        # client stops before the provider deletes anything.
        self.reg.push_synthetic(self.repo, "y", "2024-01-01T03:30:00Z")
        plan = self.ws.plan("-out=tfplan2")
        self.assertSucceeds(plan, 0)
        self.assertEqual(self.planned_image("tfplan2")["retention_deletions"], ["y"])
        cluster_y = self.create_cluster("uses-y", f"{self.name}:y")
        applied = self.ws.apply("tfplan2", check=False)
        self.assertNotEqual(applied.code, 0, applied.describe())
        self.assertIn("inconsistent final plan", applied.stderr)
        self.assertIn("retention_protected", applied.stderr)
        self.assertEqual(self.reg.tags(self.repo), ["build", "v1", "v2", "v3", "y"], "y is still there")
        # A new plan shows y protected, and its apply deletes nothing.
        self.assertSucceeds(self.ws.plan("-out=tfplan3"), 0)
        after = self.planned_image("tfplan3")
        self.assertNotIn("y", after["retention_deletions"])
        self.assertIn(f"cluster {cluster_y}", after["retention_protected"]["y"])
        self.ws.apply("tfplan3")
        self.assertEqual(self.reg.tags(self.repo), ["build", "v1", "v2", "v3", "y"])

    def test_workspace_refusing_to_list_clusters_deletes_nothing(self):
        for tag, hour in (("v1", 1), ("v2", 2), ("v3", 3)):
            self.reg.push_synthetic(self.repo, tag, f"2024-01-01T{hour:02d}:00:00Z")
        self.ws.write_config(self.config())
        self.ws.init()
        for kind, code in (("500", "INTERNAL_ERROR"), ("403", "PERMISSION_DENIED")):
            self.emu.set_faults([{"path": "/api/2.1/clusters/list", "kind": kind, "rate": 1.0}])
            plan = self.ws.plan()
            self.assertSucceeds(plan, 0)
            text = " ".join(plan.output.split())
            self.assertIn("in-use protection could not be checked", text)
            self.assertIn(f"listing clusters: {code}", text)
            self.assertIn("Held: v1, v2", text)
        self.ws.apply()
        outputs = self.ws.outputs()
        self.assertEqual(outputs["deletions"], [])
        self.assertEqual(sorted(outputs["protected"]), ["v1", "v2"])
        self.assertEqual(self.reg.tags(self.repo), ["build", "v1", "v2", "v3"], "nothing deleted")


class GoldenImageStackTest(AcceptanceTest):
    """examples/stacks/golden-image: the image and the pool/cluster pinned to its
    digest in one plan, against dcs-emulator, the private dockerd and the
    plain registry."""

    def setUp(self):
        from emulator import Emulator
        self.emu = Emulator(enable_dcs=False)
        self.addCleanup(self.emu.stop)
        self.extra_env = self.emu.provider_env()
        super().setUp()

    def test_cluster_runs_the_digest_that_was_built(self):
        import shutil
        stack = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "examples", "stacks", "golden-image")
        shutil.copy(os.path.join(stack, "main.tf"), self.ws.path("main.tf"))
        shutil.copytree(os.path.join(stack, "image"), self.ws.path("image"))
        shutil.copy("/bin/busybox", self.ws.path("image", "busybox"))
        tag = f"{self.ws.client_version()[0]}-{uuid.uuid4().hex[:8]}"
        args = ("-var", f"registry={ENV.plain}", "-var", f"tag={tag}")
        self.ws.init()
        self.ws.apply(*args)
        image = self.ws.outputs()["image"]
        digest = Registry(ENV.plain).head_digest("ml/golden", tag)
        self.assertEqual(image, f"{ENV.plain}/ml/golden@{digest}")
        clusters = [c for c in self.emu.clusters() if c["cluster_name"] == "golden"]
        self.assertEqual(len(clusters), 1)
        self.assertEqual(clusters[0]["docker_image"]["url"], image)
        pools = [p for p in self.emu.pools() if p["instance_pool_name"] == "golden-gpu"]
        self.assertEqual(pools[0]["preloaded_docker_images"][0]["url"], image)
        self.assertSucceeds(self.ws.plan("-detailed-exitcode", *args), 0)

        # A file that reaches the build: the plan rebuilds the image and rolls
        # the new digest out to the pool and the cluster.
        with open(self.ws.path("image", "golden.txt"), "w") as f:
            f.write("golden image v2\n")
        plan = self.ws.plan("-detailed-exitcode", *args)
        self.assertSucceeds(plan, 2)
        for address in ("dcs_image.golden", "dcs_cluster.golden"):
            self.assertIn(f"# {address} will be updated in-place", plan.stdout)
        # A pool's preloaded images cannot be edited in place.
        self.assertIn("# dcs_instance_pool.gpu must be replaced", plan.stdout)
        self.ws.destroy(*args)
