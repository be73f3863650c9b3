"""Command line: submit one task, wait for its result and print it as JSON.

    python3 -m patinox_client --bootstrap 127.0.0.1:9092 --agent support "What is 17 * 23?"

Exit status: 0 when the run completed, 1 when it ended otherwise, 2 on a timeout or an error.
"""

import argparse
import json
import sys

from .records import to_wire


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m patinox_client", description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    parser.add_argument("--agent", required=True, help="the agent that should run the task")
    parser.add_argument("--task-id", help="the task id (default: a fresh UUID)")
    parser.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE", help="a metadata label")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the result")
    parser.add_argument("--steps", action="store_true", help="print each step as a JSON line on stderr")
    parser.add_argument("input", help="the task in the user's words")
    args = parser.parse_args(argv)
    metadata = dict(m.split("=", 1) for m in args.meta)

    try:
        from .client import PatinoxClient
    except ImportError as e:
        print("patinox_client needs confluent-kafka (Debian: apt-get install python3-confluent-kafka): %s" % e,
              file=sys.stderr)
        return 2
    try:
        with PatinoxClient(args.bootstrap, follow_steps=args.steps) as client:
            task_id = client.submit(args.agent, args.input, task_id=args.task_id, metadata=metadata)
            if args.steps:
                for step in client.stream_steps(task_id, timeout=args.timeout):
                    print(json.dumps(to_wire(step)), file=sys.stderr)
            result = client.wait_for_result(task_id, timeout=args.timeout)
    except Exception as e:  # noqa: BLE001 - every failure is reported in one line, with exit status 2
        print("error: %s" % e, file=sys.stderr)
        return 2
    print(json.dumps(to_wire(result), ensure_ascii=False))
    return 0 if result.completed else 1


if __name__ == "__main__":
    sys.exit(main())
