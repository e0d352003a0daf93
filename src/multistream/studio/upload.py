"""Receive one uploaded file from a multipart/form-data request, streaming.

FastAPI's `UploadFile` would spool the whole body to disk before the route (and its
permission check) runs, whatever its size. Here the route checks permissions first, then
`receive` reads the body chunk by chunk: it counts the file's bytes and refuses (413) as
soon as they pass the limit, and hashes them on the way, so the file is read once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from typing import BinaryIO, cast

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from multistream.problems import Problem, field_problem

FORM_OVERHEAD = 64 * 1024
"""Bytes a request may carry besides the file: boundaries, part headers, small fields."""
FIELD_MAX_BYTES = 256
SPOOL_BYTES = 1024 * 1024
"""Files up to this size stay in memory; larger ones go to a temporary file."""
HEAD_BYTES = 64


@dataclasses.dataclass
class ReceivedFile:
    """The uploaded file, positioned at its start. Close it when done."""

    file: BinaryIO
    filename: str
    size: int
    sha256: str
    head: bytes
    """The first HEAD_BYTES bytes, for sniffing."""
    fields: dict[str, str]
    """The form's other (small) fields."""

    def close(self) -> None:
        self.file.close()


def too_large(max_bytes: int) -> Problem:
    return Problem(
        413,
        "payload-too-large",
        "File too large",
        f"The file is larger than {_size(max_bytes)}, the largest upload allowed. "
        "Compress it or split it into smaller files.",
        max_bytes=max_bytes,
    )


def _size(count: int) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count // (1024 * 1024)} MiB"
    if count >= 1024 and count % 1024 == 0:
        return f"{count // 1024} KiB"
    return f"{count} bytes"


def _invalid(message: str, field: str = "file") -> Problem:
    return field_problem(message, field=field, message=message)


class _Form:
    """python-multipart callbacks that keep the one file part and the small fields."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        # Closed by ReceivedFile.close, or when receiving fails.
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self.file = cast(BinaryIO, spool)
        self.filename: str | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.head = b""
        self.fields: dict[str, str] = {}
        self.oversized = False
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._in_file = False
        self._field_name: str | None = None
        self._field_value = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._in_file = False
        self._field_name = None
        self._field_value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == "file" and b"filename" in options:
            if self.filename is not None:
                raise _invalid("Send one file per upload.")
            self.filename = options[b"filename"].decode("utf-8", "replace")
            self._in_file = True
        else:
            self._field_name = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._in_file:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                self.oversized = True
                return
            if len(self.head) < HEAD_BYTES:
                self.head += chunk[: HEAD_BYTES - len(self.head)]
            self.digest.update(chunk)
            self.file.write(chunk)
        elif self._field_name is not None:
            self._field_value += chunk
            if len(self._field_value) > FIELD_MAX_BYTES:
                raise _invalid(
                    f"The field is longer than {FIELD_MAX_BYTES} bytes.", self._field_name
                )

    def on_part_end(self) -> None:
        if self._field_name is not None and self._field_name not in self.fields:
            self.fields[self._field_name] = self._field_value.decode("utf-8", "replace")
        self._in_file = False
        self._field_name = None


async def receive(request: Request, *, max_bytes: int) -> ReceivedFile:
    """Read the `file` part (and small fields) of a multipart/form-data request body.

    413 past `max_bytes` of file (or a Content-Length that cannot fit), 415 for a body that
    is not multipart/form-data, 422 for a malformed form or one without a file.
    """
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data":
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the file as multipart/form-data, in a field named file.",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise _invalid("The multipart/form-data content type has no boundary.")
    body_limit = max_bytes + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > body_limit:
        raise too_large(max_bytes)

    form = _Form(max_bytes)
    try:
        parser = MultipartParser(boundary, form.callbacks())  # type: ignore[arg-type]
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > body_limit:
                form.oversized = True
            if form.oversized:
                # Read on (discarding) up to the limit again, so the client, still sending,
                # gets the 413 rather than a reset connection.
                if received > 2 * body_limit:
                    break
                continue
            parser.write(chunk)
        if form.oversized:
            raise too_large(max_bytes)
        parser.finalize()
    except FormParserError as exc:
        form.file.close()
        raise _invalid(f"The upload is not valid multipart/form-data: {exc}.") from exc
    except BaseException:  # a refusal, or the client went away: drop what was spooled
        form.file.close()
        raise
    if form.filename is None:
        form.file.close()
        raise _invalid("The form has no file: send it in a field named file.")
    form.file.seek(0)
    return ReceivedFile(
        file=form.file,
        filename=form.filename,
        size=form.size,
        sha256=form.digest.hexdigest(),
        head=form.head,
        fields=form.fields,
    )
