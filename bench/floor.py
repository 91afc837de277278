"""The engine floor: one process registering N plain resources under the synth's mocks.

    .venv/bin/python bench/floor.py --resources 1152

What no synth of N resources can undercut on this machine: interpreter start-up, the
provider SDK imports the fleet needs, and N registrations (one small ConfigMap each) through
the same mock runtime and recording monitor `make synth` uses (tools.synth.mockrt). No
components, no stack programs, no files written, no schema, no policy pack. Prints the
registration count and this process's CPU seconds; bench/synth_bench.py runs it as a child
and measures it from outside too.
"""

from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, required=True)
    parser.add_argument("--kubernetes-only", action="store_true",
                        help="import only pulumi_kubernetes (a floor no fleet with DNS records can reach)")
    args = parser.parse_args()

    import pulumi_kubernetes as k8s

    if not args.kubernetes_only:
        # The SDKs the synth parent imports before it forks: every stack's ingress imports
        # pulumi_cloudflare (about 1.7 s of CPU on its own), so no synth of the fleet avoids them.
        import pulumi_cloudflare  # noqa: F401
        import pulumi_random  # noqa: F401
        import pulumi_vault  # noqa: F401

    from tools.synth.mockrt import run_callable

    def program() -> None:
        for i in range(args.resources):
            k8s.core.v1.ConfigMap(f"cm-{i}", metadata={"name": f"cm-{i}", "namespace": "floor"},
                                  data={"key": f"value-{i}"})

    result = run_callable(program, project="floor")
    if result.error or len(result.registrations) != args.resources:
        print(f"floor: expected {args.resources} registrations, got {len(result.registrations)} "
              f"({result.error})", file=sys.stderr)
        return 1
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"floor: {len(result.registrations)} resources registered, "
          f"{usage.ru_utime + usage.ru_stime:.2f} CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
