"""A small local server with canned answers for the operations tests/any-spec/run.sh calls.

Answers `GET …/pets?limit=N` (oai-petstore's listPets) and `GET …/nodes/{id}` (tricky's getNode,
echoing the id, the `type` query parameter as the node's kind and the raw `tags`, `since` and `day`
parameters as labels, with a date-time written without an offset, as Partner Center writes some,
and a date) to callers that send `Authorization: Bearer any-spec`; 401 without it, 404 for anything
else.
For media.yaml: `POST …/files/content` (multipart, read with the standard library's email
parser) answers a file whose id lists what arrived (file name, size, media type, the attributes'
name, the note), `POST …/oauth2/token` (a form) a token naming the grant type and scopes, and
`POST …/notes` 201 with `form:<text>` for a form body (200 with the note for JSON); `PUT …/notes`
describes the octets it got (length, media type, hex) as text, and `GET …/files/{id}/content`
answers three octets.
Prints `listening on http://127.0.0.1:PORT` first, then serves until killed.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PETS = [
    {"id": 1, "name": "Rex", "tag": "dog"},
    {"id": 2, "name": "Tom"},
    {"id": 3, "name": "Kit", "tag": "cat"},
]
NODE = re.compile(r"^(?:/[^/]+)*/nodes/([^/]+)$")


class Handler(BaseHTTPRequestHandler):
    def answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def raw(self, status: int, media: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self) -> None:
        # media.yaml's putNoteRaw: a body of no declared type, described back as text.
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if urlsplit(self.path).path.endswith("/notes"):
            described = f"{len(body)}:{self.headers.get('Content-Type')}:{body.hex()}"
            self.raw(200, "text/plain", described.encode())
            return
        self.answer(404, {"code": 404, "message": "no route"})

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != "Bearer any-spec":
            self.answer(401, {"code": 401, "message": "no token"})
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path.endswith("/pets"):
            limit = int(query.get("limit", ["100"])[0])
            self.answer(200, PETS[:limit])
            return
        if url.path.endswith("/content"):
            # media.yaml's downloadFile: octets.
            self.raw(200, "application/octet-stream", bytes([7, 8, 9]))
            return
        node = NODE.match(url.path)
        if node is not None:
            self.answer(
                200,
                {
                    "id": node.group(1),
                    "kind": query.get("type", ["unknown"])[0],
                    "fooBar": 7,
                    "labels": {
                        name: query.get(name, [""])[0] for name in ("tags", "since", "day")
                    },
                    "shape": {"type": "circle", "radius": 1.5},
                    "created": "2019-08-26T00:00:00",
                    "born": "2019-08-26",
                },
            )
            return
        self.answer(404, {"code": 404, "message": f"no route {url.path}"})

    def do_POST(self) -> None:
        if self.headers.get("Authorization") != "Bearer any-spec":
            self.answer(401, {"code": 401, "message": "no token"})
            return
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        content_type = self.headers.get("Content-Type", "")
        if url.path.endswith("/files/content") and content_type.startswith(
            "multipart/form-data"
        ):
            head = f"Content-Type: {content_type}\r\n\r\n".encode()
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                head + body
            )
            parts = {
                part.get_param("name", header="content-disposition"): part
                for part in message.iter_parts()
            }
            file = parts["file"]
            data = file.get_payload(decode=True)
            attributes = json.loads(parts["attributes"].get_payload(decode=True))
            note = parts["note"].get_payload(decode=True).decode()
            described = [
                file.get_filename(),
                str(len(data)),
                file.get_content_type(),
                attributes["name"],
                note,
            ]
            self.answer(201, {"id": ":".join(described)})
            return
        if (
            url.path.endswith("/oauth2/token")
            and content_type == "application/x-www-form-urlencoded"
        ):
            form = parse_qs(body.decode())
            self.answer(
                200,
                {"access_token": f"{form['grant_type'][0]}:{','.join(form['scope'])}"},
            )
            return
        if url.path.endswith("/notes"):
            # createNote: a form creates (201, a file), JSON stores (200, the note).
            if content_type == "application/x-www-form-urlencoded":
                self.answer(201, {"id": "form:" + parse_qs(body.decode())["text"][0]})
            else:
                self.answer(200, json.loads(body))
            return
        self.answer(404, {"code": 404, "message": f"no route {url.path}"})

    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
