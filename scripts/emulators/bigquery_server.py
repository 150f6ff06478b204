"""A BigQuery emulator for tests: bqemulator, with DuckDB's spatial extension from a wheel.

bqemulator runs `INSTALL spatial; LOAD spatial` when it starts; DuckDB would fetch the extension
from the network. This launcher gives every DuckDB connection an extension directory inside the
venv, installs the extension there from the duckdb-extension-spatial wheel's file (same DuckDB
version), and turns off automatic downloads, then runs bqemulator's own command line.

Usage: bigquery_server.py start --rest-port PORT [bqemulator start options]
"""
import glob
import os
import sys

import duckdb
import duckdb_extension_spatial

EXTENSION_DIR = os.path.join(sys.prefix, "duckdb-extensions")
_connect = duckdb.connect


def connect(database=":memory:", read_only=False, config=None, **kwargs):
    config = dict(config or {})
    config.setdefault("extension_directory", EXTENSION_DIR)
    config.setdefault("autoinstall_known_extensions", False)
    return _connect(database, read_only=read_only, config=config, **kwargs)


def install_spatial() -> None:
    pattern = os.path.join(os.path.dirname(duckdb_extension_spatial.__file__), "extensions", "*", "spatial.duckdb_extension")
    files = glob.glob(pattern)
    if not files:
        sys.exit(f"bigquery_server.py: no spatial extension under {pattern}")
    connection = connect()
    connection.execute(f"INSTALL '{files[0]}'")
    connection.close()


if __name__ == "__main__":
    duckdb.connect = connect
    install_spatial()
    from bqemulator.cli import main

    sys.exit(main())
