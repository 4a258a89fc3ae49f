"""An OTLP/HTTP logs endpoint for the tests: decodes every ExportLogsServiceRequest with
opentelemetry-proto (the OpenTelemetry project's own Python bindings) and appends each log
record, with its resource and scope, as one JSON line to the file named on the command
line. It answers 200 with an empty ExportLogsServiceResponse (or 503 while the file
"<out>.down" exists: a collector that is away).

usage: sink.py PORT OUT
"""
import gzip
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2

PORT, OUT = int(sys.argv[1]), sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if os.path.exists(OUT + ".down"):
            self.send_response(503)
            self.send_header("content-length", "0")
            self.end_headers()
            return
        req = logs_service_pb2.ExportLogsServiceRequest()
        req.ParseFromString(body)
        with open(OUT, "a") as f:
            for rl in req.resource_logs:
                resource = MessageToDict(rl.resource)
                for sl in rl.scope_logs:
                    scope = MessageToDict(sl.scope)
                    for rec in sl.log_records:
                        line = {
                            "path": self.path,
                            "content_type": self.headers.get("content-type"),
                            "resource": resource,
                            "scope": scope,
                            "record": MessageToDict(rec),
                        }
                        f.write(json.dumps(line) + "\n")
        out = logs_service_pb2.ExportLogsServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
