"""A Snowflake emulator for tests: fakesnow's server, answering the Node.js driver in JSON.

Snowflake answers each client in a result format it can read: Arrow (`rowsetBase64`) to the
Python, JDBC, ODBC and Go drivers, JSON (`rowset`) to the Node.js driver (snowflake-sdk), which
has no Arrow reader. fakesnow (pinned in snowflake.txt) answers every query in Arrow, so
snowflake-sdk fails on its first result ("Cannot read properties of undefined (reading 'length')"
in createChunks), and fakesnow has no setting for it (`ALTER SESSION SET QUERY_RESULT_FORMAT` is
"not implemented"). This launcher patches fakesnow's server in this process, and only this:
a session whose login says CLIENT_APP_ID "JavaScript" (what snowflake-sdk sends) gets its results
as a `rowset` of strings in Snowflake's JSON encoding; every other client gets fakesnow's answer
unchanged. SQL, types and data stay fakesnow's. It serves the app as `fakesnow -s` does (uvicorn).

Usage: snowflake_server.py --port PORT [--host 127.0.0.1]
"""
import argparse
import base64
import json
from datetime import date

import pyarrow as pa
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

import fakesnow.server as server

JSON_CLIENTS = {"JavaScript"}
json_tokens: set[str] = set()
_login = server.login_request
_query = server.query_request


async def login_request(request):
    response = await _login(request)
    body = await request.body()  # starlette keeps the body read by the login above
    if request.headers.get("Content-Encoding") == "gzip":
        import gzip

        body = gzip.decompress(body)
    payload = json.loads(response.body)
    if payload.get("success") and json.loads(body)["data"].get("CLIENT_APP_ID") in JSON_CLIENTS:
        json_tokens.add(payload["data"]["token"])
    return response


async def query_request(request):
    response = await _query(request)
    if server.to_token(request) not in json_tokens:
        return response
    payload = json.loads(response.body)
    data = payload.get("data") or {}
    if "rowtype" not in data:
        return response  # an error, or a PUT's stage data
    if data.get("queryResultFormat") == "arrow":
        encoded = data.pop("rowsetBase64", "")
        data["queryResultFormat"] = "json"
        data["rowset"] = to_rowset(encoded, data["rowtype"]) if encoded else []
    # Snowflake says how many rows the rowset holds; the driver reads that many (none when absent).
    data["returned"] = len(data.get("rowset") or [])
    return JSONResponse(payload, status_code=response.status_code)


def to_rowset(encoded: str, rowtype: list[dict]) -> list[list]:
    table = pa.ipc.open_stream(base64.b64decode(encoded)).read_all()
    columns = [[json_value(v, c["type"]) for v in table.column(i).to_pylist()] for i, c in enumerate(rowtype)]
    return [list(row) for row in zip(*columns)]


def decimal_seconds(nanos: int) -> str:
    sign = "-" if nanos < 0 else ""
    whole, fraction = divmod(abs(nanos), 1_000_000_000)
    return f"{sign}{whole}.{fraction:09d}"


def json_value(value, sf_type: str):
    """One cell as Snowflake's JSON result spells it (what snowflake-sdk's column.js parses)."""
    if value is None:
        return None
    if sf_type == "boolean":
        return "1" if value else "0"
    if sf_type == "real":
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(float(value))
    if sf_type == "date":
        return str((value - date(1970, 1, 1)).days)
    if sf_type == "time":
        return decimal_seconds(int(value))  # fakesnow sends nanoseconds since midnight
    if sf_type.startswith("timestamp"):
        # fakesnow's struct: whole seconds (floored) and nanoseconds, and for _tz the offset index
        # (1440 = UTC); a null timestamp is a struct of nulls
        if value["epoch"] is None:
            return None
        text = decimal_seconds(value["epoch"] * 1_000_000_000 + value["fraction"])
        return f"{text} {value['timezone']}" if sf_type == "timestamp_tz" else text
    if sf_type == "binary":
        return bytes(value).hex().upper()
    return str(value)


app = Starlette(debug=True, routes=[
    Route(r.path, login_request if r.endpoint is _login else query_request if r.endpoint is _query else r.endpoint, methods=list(r.methods or []))
    for r in server.routes
])

if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
