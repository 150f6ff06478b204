"""An S3-compatible server for tests: moto's S3 backend, one request at a time.

moto checks If-Match / If-None-Match and then stores the object in two steps; served from several
threads, two conditional writes could both pass the check. Real S3 decides them atomically, so
this launcher serializes requests (connections are still accepted concurrently) to behave the same.

moto dispatches each request by the service it is signed for, so the same server also answers
DynamoDB (the DynamoDB online store tests use it; moto's `dynamodb` extra only adds the Docker
client, which its DynamoDB backend does not need).

Usage: s3_server.py [--host 127.0.0.1] [--port 0]. Prints "listening on http://HOST:PORT" once it
accepts connections (port 0 picks a free port).
"""
import argparse
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server


def serialized(app):
    lock = threading.Lock()

    def handle(environ, start_response):
        with lock:
            # Materialize the body inside the lock so the whole request is one step.
            return list(app(environ, start_response))

    return handle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, serialized(app), threaded=True, request_handler=MotoRequestHandler)
    print(f"listening on http://{args.host}:{server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
