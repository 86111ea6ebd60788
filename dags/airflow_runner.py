"""One Airflow process for several Airflow commands: ``python dags/airflow_runner.py`` (not a DAG file:
``dags/.airflowignore`` keeps the DAG processor away from it).

Started by :class:`pipelines.orchestrate.AirflowSession` with the Airflow environment. It imports Airflow
once, then reads one job per line on standard input, JSON ``{"argv": [...], "log": path}``, where ``argv``
is what would follow ``airflow`` on a command line (e.g. ``["dags", "test", "train_models",
"2026-12-03"]``). Each job runs through Airflow's own command-line parser, exactly as the ``airflow``
command would, with file descriptors 1 and 2 sent to the job's log (so every line Airflow, its tasks and
their subprocesses print lands there). The reply is one JSON line on the process's original standard
output: ``{"ok": bool, "seconds": float}`` (``ok`` false when the command raised or exited non-zero).

Why: a separate ``airflow dags test`` per DAG paid Airflow's start and the project's imports (pandas,
scikit-learn, MLflow) seven times a run, 7–10 s each before a DAG's first log line.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback


def run_job(parser, argv: list[str], log_path: str) -> bool:
    """Run one Airflow command with fds 1 and 2 on ``log_path``; True when it succeeded."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log_path, "w", encoding="utf-8") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            args = parser.parse_args(argv)
            args.func(args)
            ok = True
        except SystemExit as exc:
            ok = exc.code in (None, 0)
            if not ok:
                print(f"Error: airflow {' '.join(argv)} exited: {exc.code}", file=sys.stderr)
        except BaseException:  # noqa: BLE001 - reported in the job's log and its reply, never lost
            traceback.print_exc()
            ok = False
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
    return ok


def main() -> int:
    replies = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)  # between jobs, stray output goes to the session log: only replies reach the pipe
    from airflow.cli import cli_parser
    from airflow.configuration import write_default_airflow_configuration_if_needed

    write_default_airflow_configuration_if_needed()
    parser = cli_parser.get_parser()
    replies.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        start = time.perf_counter()
        ok = run_job(parser, list(job["argv"]), job["log"])
        replies.write(json.dumps({"ok": ok, "seconds": time.perf_counter() - start}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
