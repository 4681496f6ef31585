"""A small local server that answers the new operation (the emulator does not know it).

Prints `listening on http://127.0.0.1:PORT` first, then serves until killed.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = re.compile(r"^/v1/customers/([0-9a-fA-F-]{36})/directoryroles$")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        match = PATH.match(self.path)
        if match is None or not self.headers.get("Authorization", "").startswith("Bearer "):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps(
            {
                "totalCount": 2,
                "items": [
                    {"id": "62e90394-69f5-4237-9190-012177145e10", "name": "Global Administrator", "attributes": {"objectType": "DirectoryRole"}},
                    {"id": "fe930be7-5e62-47db-91af-98c3a49a38b1", "name": "User Administrator", "attributes": {"objectType": "DirectoryRole"}},
                ],
                "attributes": {"objectType": "Collection"},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("MS-RequestId", self.headers.get("MS-RequestId", ""))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
