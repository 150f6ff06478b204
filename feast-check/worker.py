"""One long-lived Python process for a test suite's Feast calls (test/helpers/feast.ts starts it).

Importing Feast takes seconds, far longer on a loaded machine, so a suite pays for it once
instead of once per call. Requests come one JSON document per line on stdin; each answer is one
JSON line {"id", "code", "stdout", "stderr"} on the original stdout. Requests are:

  {"id": 1, "cwd": DIR, "script": "registry_check.py", "args": [...]}   a feast-check script command
  {"id": 2, "cwd": DIR, "feast": ["plan"]}                              Feast's CLI (`feast plan`)

Everything else the process prints (Feast's output, C libraries writing to fd 1) goes to
stderr, so it can never corrupt an answer. The worker exits when stdin closes.
"""
import contextlib
import importlib
import importlib.util
import io
import json
import os
import sys
import traceback
import warnings

warnings.filterwarnings("ignore")
HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)

# Answers go to a private copy of stdout; fd 1 itself now points at stderr.
answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)


def run_script(script, args):
    """Runs a feast-check script's command (`main(argv)`), as `python SCRIPT ARGS...` would."""
    path = script if os.path.isabs(script) else os.path.join(HERE, script)
    directory = os.path.dirname(os.path.realpath(path))
    if directory not in sys.path:
        sys.path.insert(0, directory)   # the scripts import their siblings (cli.py)
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    name = spec.name if directory == HERE else f"feast_check_script_{abs(hash(path))}"
    module = sys.modules.get(name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module.main([path, *args])


def run_feast(args):
    from feast.cli.cli import cli

    try:
        result = cli.main(args=args, prog_name="feast", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)


def forget_repo_modules(cwd, path_before, modules_before):
    """Feast imports a repo's .py files as top-level modules: drop them so the next repo's load fresh."""
    sys.path[:] = path_before
    root = os.path.realpath(cwd) + os.sep
    keep = (os.path.realpath(sys.prefix) + os.sep, HERE + os.sep)
    for name in set(sys.modules) - modules_before:
        file = os.path.realpath(getattr(sys.modules[name], "__file__", None) or "/")
        if file.startswith(root) and not file.startswith(keep):
            del sys.modules[name]


def handle(request):
    out, err = io.StringIO(), io.StringIO()
    cwd = request.get("cwd") or os.getcwd()
    path_before, modules_before = list(sys.path), set(sys.modules)
    previous = os.getcwd()
    code = 1
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                if "feast" in request:
                    code = run_feast(request["feast"])
                else:
                    code = run_script(request["script"], request.get("args", []))
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(previous)
        forget_repo_modules(cwd, path_before, modules_before)
    return {"id": request.get("id"), "code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = handle(json.loads(line))
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
