"""A loopback HTTP server for one file, standing in for the model hub in the download tests."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FileServer:
    """Serves `data` at every path on 127.0.0.1, with Range support (or none: `honour_range=False`);
    records the Range header of every request in `ranges`. Call `close()` when done."""

    def __init__(self, data: bytes, honour_range: bool = True) -> None:
        self.data, self.honour_range = data, honour_range
        self.ranges: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                rng = self.headers.get("Range")
                outer.ranges.append(rng)
                body, status = outer.data, 200
                if rng and outer.honour_range:
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(outer.data):
                        self.send_response(416)
                        self.end_headers()
                        return
                    body, status = outer.data[start:], 206
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
