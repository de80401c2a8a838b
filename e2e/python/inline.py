"""Runs one Pulumi operation on a Python program through the Automation API over the real `pulumi` CLI.

The program is served *inline* by this process (pulumi.automation with program=...), so no Python language host
is needed: its Go module is not served by the module proxy here (see docs/testing.md). Everything else is the
real engine. The request and result files have the same shape as e2e/harness/inline.ts uses.

    python e2e/python/inline.py <request.json>
"""
import importlib.util
import json
import sys

from pulumi import automation as auto


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        req = json.load(f)
    result = {"ok": False, "steps": [], "diagnostics": []}

    def program():
        spec = importlib.util.spec_from_file_location("consumer_program", req["program"])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)

    def on_event(e: auto.EngineEvent):
        pre = e.resource_pre_event
        if pre is not None and pre.metadata is not None:
            result["steps"].append({"op": str(pre.metadata.op.value), "type": pre.metadata.type, "urn": pre.metadata.urn})
        d = e.diagnostic_event
        if d is not None and d.severity != "debug":
            result["diagnostics"].append({"severity": d.severity, "message": d.message, "urn": d.urn})

    def on_output(line: str):
        print(line, flush=True)

    try:
        # The work directory goes in the options: it holds Pulumi.yaml (with the plugin's path) and the stack file.
        stack = auto.create_or_select_stack(
            stack_name=req["stack"],
            project_name=req["project"],
            program=program,
            opts=auto.LocalWorkspaceOptions(work_dir=req["workDir"]),
        )
        op = req["op"]
        if op == "up":
            r = stack.up(on_output=on_output, on_event=on_event)
            result["summary"] = {"result": r.summary.result, "resourceChanges": r.summary.resource_changes}
            result["outputs"] = {k: {"value": v.value, "secret": v.secret} for k, v in r.outputs.items()}
        elif op == "preview":
            r = stack.preview(on_output=on_output, on_event=on_event, expect_no_changes=bool(req.get("expectNoChanges")))
            result["changeSummary"] = r.change_summary
        elif op == "destroy":
            r = stack.destroy(on_output=on_output, on_event=on_event)
            result["summary"] = {"result": r.summary.result, "resourceChanges": r.summary.resource_changes}
        else:
            raise ValueError(f"unknown op {op}")
        result["ok"] = True
    except Exception as e:  # noqa: BLE001 - the result file carries the error to the test
        result["error"] = str(e)
    with open(req["resultFile"], "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, default=str)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
