"""Drive the CrossGuard pack through its real analyzer protocol.

Starts ``policies/`` the way the Pulumi CLI's Python analyzer host does
(``python -u -m pulumi.policy <engine address> <pack dir>`` in the pack directory), reads the
port the pack prints on stdout, and calls GetAnalyzerInfo / Configure / Analyze /
AnalyzeStack with the generated stubs of ``pulumi.runtime.proto``. Synth resources
(``build/synth/<stack>/resources.json``) are converted to the wire shape the engine uses:
``"[unknown]"`` becomes the engine's unknown sentinel and ``"[secret]"`` a secret-signature
object.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "policies"
DEFAULT_PYTHON = REPO / ".venv" / "bin" / "python"

# Wire constants of the Pulumi property protocol (sdk/go/common/resource/plugin).
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

LEVEL_NAMES = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
LEVEL_VALUES = {v: k for k, v in LEVEL_NAMES.items()}


class AnalyzerError(RuntimeError):
    pass


def engine_value(value: Any) -> Any:
    """A synth JSON value as the engine marshals it to analyzers."""
    if value == "[unknown]":
        return UNKNOWN_STRING
    if value == "[secret]":
        return {SIG_KEY: SECRET_SIG, "value": "[secret]"}
    if isinstance(value, dict):
        return {k: engine_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [engine_value(v) for v in value]
    return value


def to_struct(props: Mapping) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(engine_value(dict(props or {})))
    return s


def analyzer_resource(res: Mapping, cls=analyzer_pb2.AnalyzerResource):
    """AnalyzeRequest / AnalyzerResource from one synth resource entry."""
    opts = res.get("options") or {}
    options = analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(opts.get("protect")),
        ignoreChanges=[str(x) for x in opts.get("ignoreChanges") or []],
        deleteBeforeReplace=bool(opts.get("deleteBeforeReplace")),
        deleteBeforeReplaceDefined="deleteBeforeReplace" in opts,
        aliases=[a for a in opts.get("aliases") or [] if isinstance(a, str)],
        parent=res.get("parent") or "",
    )
    kwargs = dict(type=res["type"], properties=to_struct(res.get("inputs") or {}), urn=res.get("urn", ""),
                  name=res.get("name", ""), options=options)
    if cls is analyzer_pb2.AnalyzerResource:
        kwargs["parent"] = res.get("parent") or ""
        kwargs["dependencies"] = [d for d in opts.get("dependsOn") or [] if isinstance(d, str)]
    return cls(**kwargs)


class PackProcess:
    """A running policy pack. Use as a context manager."""

    def __init__(self, pack_dir: Path = PACK_DIR, python: Optional[str] = None, timeout: float = 60.0):
        self.pack_dir = Path(pack_dir)
        # A caller already inside a venv (`make test PYTHON=3.13`) runs the pack on its own
        # interpreter; otherwise the repo venv, as the CLI would.
        in_venv = sys.prefix != sys.base_prefix
        self.python = str(python or (sys.executable if in_venv or not DEFAULT_PYTHON.exists() else DEFAULT_PYTHON))
        self.timeout = timeout
        self.proc: Optional[subprocess.Popen] = None
        self.channel = None
        self.stub = None
        self.port: Optional[int] = None
        self._stderr: list = []
        self.info_cache = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "PackProcess":
        env = {k: v for k, v in os.environ.items()
               if k not in ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN")}
        env["PULUMI_CONFIG"] = "{}"
        env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
        # The engine passes its own gRPC address; nothing in the pack dials it unless
        # PULUMI_PROJECT/STACK/DRY_RUN are set, so an unused local address is enough here.
        self.proc = subprocess.Popen([self.python, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
                                     cwd=self.pack_dir, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        line = self._read_port_line()
        try:
            self.port = int(line.strip())
        except ValueError:
            self.close()
            raise AnalyzerError(f"policy pack printed {line!r} instead of a port; stderr:\n{self.stderr}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        grpc.channel_ready_future(self.channel).result(timeout=self.timeout)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self

    def _drain_stderr(self) -> None:
        assert self.proc and self.proc.stderr
        for raw in self.proc.stderr:
            self._stderr.append(raw.decode(errors="replace"))

    def _read_port_line(self) -> str:
        box: list = []
        t = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()), daemon=True)
        t.start()
        t.join(self.timeout)
        if not box or not box[0]:
            self.close()
            raise AnalyzerError(f"policy pack did not print its port within {self.timeout}s; "
                                f"stderr:\n{self.stderr}")
        return box[0].decode()

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(5)
            for stream in (self.proc.stdout,):
                if stream:
                    stream.close()
            self.proc = None

    def __enter__(self) -> "PackProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- protocol -----------------------------------------------------------------------------
    def info(self) -> analyzer_pb2.AnalyzerInfo:
        if self.info_cache is None:
            self.info_cache = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.timeout)
        return self.info_cache

    def default_levels(self) -> dict:
        return {p.name: LEVEL_NAMES[p.enforcementLevel] for p in self.info().policies}

    def configure(self, config: Optional[Mapping[str, Any]] = None) -> dict:
        """Send Configure the way the engine does for ``--policy-pack-config``: every policy of
        the pack gets an entry whose level is the configured one or the pack's default, and
        whose properties are the configured ones (validated against the policy's schema).
        ``config`` maps policy name -> level string or {enforcementLevel?, **properties}."""
        config = dict(config or {})
        info = self.info()
        known = {p.name: p for p in info.policies}
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise AnalyzerError(f"policy config names unknown policies: {', '.join(unknown)}")
        req = analyzer_pb2.ConfigureAnalyzerRequest()
        effective = {}
        for name, pinfo in known.items():
            raw = config.get(name)
            if isinstance(raw, str):
                raw = {"enforcementLevel": raw}
            raw = dict(raw or {})
            level = raw.pop("enforcementLevel", None) or LEVEL_NAMES[pinfo.enforcementLevel]
            if level not in LEVEL_VALUES:
                raise AnalyzerError(f"{name}: enforcementLevel {level!r} is not one of {sorted(LEVEL_VALUES)}")
            _validate_schema(name, pinfo, raw)
            entry = analyzer_pb2.PolicyConfig(enforcementLevel=LEVEL_VALUES[level])
            if raw:
                entry.properties.update(raw)
            req.policyConfig[name].CopyFrom(entry)
            effective[name] = level
        self.stub.Configure(req, timeout=self.timeout)
        return effective

    def analyze(self, resource: Mapping) -> analyzer_pb2.AnalyzeResponse:
        return self.stub.Analyze(analyzer_resource(resource, analyzer_pb2.AnalyzeRequest), timeout=self.timeout)

    def analyze_stack(self, resources: Iterable[Mapping]) -> analyzer_pb2.AnalyzeResponse:
        req = analyzer_pb2.AnalyzeStackRequest(resources=[analyzer_resource(r) for r in resources])
        return self.stub.AnalyzeStack(req, timeout=self.timeout)


def _validate_schema(name: str, pinfo, props: dict) -> None:
    if not props:
        return
    try:
        import jsonschema
    except ImportError:  # the engine validates too; without jsonschema we only check names
        jsonschema = None
    schema_props = dict(pinfo.configSchema.properties) if pinfo.HasField("configSchema") else {}
    extra = sorted(set(props) - set(schema_props))
    if extra:
        raise AnalyzerError(f"{name}: unknown config properties {', '.join(extra)}")
    if jsonschema is not None:
        schema = {"type": "object", "properties": json.loads(json.dumps(
            {k: _struct_to_py(v) for k, v in schema_props.items()}))}
        try:
            jsonschema.validate(props, schema)
        except jsonschema.ValidationError as e:
            raise AnalyzerError(f"{name}: invalid config: {e.message}") from None


def _struct_to_py(v):
    from google.protobuf import json_format
    return json_format.MessageToDict(v) if hasattr(v, "DESCRIPTOR") else v


def diagnostics(resp) -> list:
    """AnalyzeResponse -> list of plain dicts."""
    return [{"policy": d.policyName, "level": LEVEL_NAMES.get(d.enforcementLevel, str(d.enforcementLevel)),
             "message": d.message, "urn": d.urn, "description": d.description} for d in resp.diagnostics]
