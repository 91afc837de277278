"""A failing stack program is reported as stack, file:line of the stack's code, message.

Checked on both hosts: the offline synth (tests/test_synth_tool.py covers its output line)
and the Pulumi CLI's language host, whose contract (pulumi-language-python-exec, v3.229.0)
is reproduced by HOST below: it configures the runtime (here: the SDK's mocks), runs the
program through ``run_pulumi_func`` (the body of ``run_in_stack``), and on an unhandled exception logs "Program failed with an unhandled
exception:" + the traceback through ``pulumi.log.error`` to the engine. Here the engine is
the SDK's mock engine, which writes each log message to Python logging.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from components.program_errors import HOST_PREFIX, report

REPO = Path(__file__).resolve().parent.parent

HOST = textwrap.dedent(f'''
    import asyncio, logging, os, runpy, sys, traceback
    import pulumi, pulumi.runtime
    from pulumi.runtime.stack import run_pulumi_func
    logging.basicConfig(level=logging.ERROR, format="ENGINE %(levelname)s %(message)s", stream=sys.stdout)
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args):
            return args.name + "-id", dict(args.inputs)
        def call(self, args):
            return {{}}

    program = os.path.abspath(sys.argv[1])
    os.chdir(program)
    sys.path.insert(0, program)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    pulumi.runtime.set_mocks(Mocks(), project=os.path.basename(program), stack="prod", preview=True)
    try:
        # set_mocks made the root Stack already; run_pulumi_func is what run_in_stack runs inside it.
        loop.run_until_complete(run_pulumi_func(lambda: runpy.run_path(program, run_name="__main__")))
    except pulumi.RunError as exc:
        pulumi.log.error(str(exc))
        sys.exit(1)
    except Exception:
        pulumi.log.error({HOST_PREFIX!r} + "\\n" + traceback.format_exc())
        sys.exit(32)
''')

BAD_ARGUMENT = '''\
import pulumi
from components.namespace import Namespace, NamespaceArgs

Namespace("demo", NamespaceArgs(tier="9-none"))
'''
MISSING_NAMESPACE = '''\
from components.constants import TIER_AUX
from components.web_app import WebApp, WebAppArgs

WebApp("demo", WebAppArgs(tier=TIER_AUX, containers=[{"name": "demo", "image": "nginx:1.27"}]))
'''


def run_under_host(tmp_path: Path, program: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, Path]:
    stack = tmp_path / "demo"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: demo\nruntime: python\n")
    (stack / "__main__.py").write_text(program)
    (tmp_path / "host.py").write_text(HOST)
    proc = subprocess.run([sys.executable, str(tmp_path / "host.py"), str(stack)], cwd=REPO, capture_output=True,
                          text=True, env={**__import__("os").environ, "PYTHONPATH": str(REPO), **(env or {})})
    return proc, (stack / "__main__.py").resolve()


def engine_errors(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout.split("ENGINE ERROR ", 1)[1] if "ENGINE ERROR " in proc.stdout else ""


def test_cli_host_shows_stack_line_and_component_message_first(tmp_path):
    proc, program = run_under_host(tmp_path, BAD_ARGUMENT)
    assert proc.returncode == 32, proc.stdout + proc.stderr
    message = engine_errors(proc).splitlines()
    assert message[0] == (f"stack demo/prod: {program}:4: ArgumentError: Namespace: argument 'tier' is '9-none' "
                          "(allowed: '0-core', '1-cluster', '2-gpu', '3-edge', '4-aux')")
    assert message[1].strip() == 'Namespace("demo", NamespaceArgs(tier="9-none"))'
    assert message[2].startswith("  raised in components/namespace.py:")
    assert len(message) <= 5 and not any("asyncio" in line or "site-packages" in line for line in message)
    assert HOST_PREFIX not in proc.stdout


def test_cli_host_reports_a_missing_namespace_argument_at_the_stack_line(tmp_path):
    proc, program = run_under_host(tmp_path, MISSING_NAMESPACE)
    first = engine_errors(proc).splitlines()[0]
    assert first.startswith(f"stack demo/prod: {program}:4: TypeError: ")
    assert "'namespace'" in first


def test_full_traceback_on_request(tmp_path):
    proc, _ = run_under_host(tmp_path, BAD_ARGUMENT, env={"INFRA_FULL_TRACEBACK": "1"})
    message = engine_errors(proc)
    assert "Traceback (most recent call last):" in message and "components/namespace.py" in message


def test_other_engine_errors_pass_through_unchanged(tmp_path):
    proc, _ = run_under_host(tmp_path, 'import pulumi, components\npulumi.log.error("plain message")\n')
    assert proc.returncode == 0
    assert engine_errors(proc).strip() == "plain message"


def test_report_without_a_stack_program_names_the_innermost_repo_frame():
    from components.errors import require_choice

    with pytest.raises(ValueError) as caught:
        require_choice("Thing", "mode", "x", ["a"])
    described = report(caught.value)
    assert described.location.path == "components/errors.py"
    assert not described.in_program
    assert described.headline().startswith("components/errors.py:")
    assert described.headline().endswith("ValueError: Thing: argument 'mode' is 'x' (allowed: 'a')".replace(
        "ValueError", "ArgumentError"))
