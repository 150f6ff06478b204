"""The shared command line of the feast-check scripts: `script.py COMMAND ARGS...` prints one JSON document."""
import json
import sys


def run(doc, commands, argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(doc)
        return 0 if len(argv) >= 2 else 2
    command, args = argv[1], argv[2:]
    if command not in commands:
        print(f"unknown command {command} (known: {', '.join(commands)})", file=sys.stderr)
        return 2
    json.dump(commands[command](*args), sys.stdout, indent=1, sort_keys=True, default=str)
    return 0
