"""Reading an upload request as it arrives: small form fields into memory, file parts straight
into staging files. A large file is never held in memory nor copied twice, hashing and writing
run in two threads while the next bytes are received, and a file over the limit stops the
reading there (or, for a form that must be shown again, is skipped while the rest is read).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from litestar import Request
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from app.errors import Invalid, TooLarge
from app.evidence.lanes import Lanes
from app.evidence.staging import (
    CHUNK_BYTES,
    NoRoom,
    Received,
    Receiver,
    discard,
    room_for,
    too_large_message,
)
from app.evidence.storage import Storage, storage_for
from app.settings import Settings

MAX_FIELD_BYTES = 64 * 1024  # far above any text field's own limit
MAX_PARTS = 64
MAX_IN_FLIGHT = 4 * CHUNK_BYTES  # received but not yet both hashed and written


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, Received] = field(default_factory=dict)  # no entry when no file was chosen

    def discard(self, settings: Settings) -> None:
        discard(settings, self.files.values())


class _FilePart:
    """Bytes of one file part, gathered (not copied) into batches of 1 MiB and handed to the
    upload's two lanes (lanes.py), which hash and write them while the next bytes arrive."""

    def __init__(self, name: str, receiver: Receiver, stop_when_too_large: bool) -> None:
        self.name = name
        self.receiver = receiver
        self.stop_when_too_large = stop_when_too_large
        self.pieces: list[bytes] = []
        self.gathered = 0
        self.lanes: Lanes | None = None
        self.count = 0
        self.too_large = False
        self.no_room = False

    async def feed(self, data: bytes) -> None:
        if self.too_large or self.no_room:
            return
        self.count += len(data)
        if self.count > self.receiver.settings.max_upload_bytes:
            await self.abort()
            message = too_large_message(self.receiver.filename, self.receiver.settings)
            if self.stop_when_too_large:
                raise TooLarge(message, problems={"file": message})
            self.too_large = True
            return
        self.pieces.append(data)
        self.gathered += len(data)
        if self.gathered >= CHUNK_BYTES:
            await self._flush()

    async def _flush(self, last: bool = False) -> None:
        pieces, size, self.pieces, self.gathered = self.pieces, self.gathered, [], 0
        self.receiver.count(size)
        try:
            with room_for(self.receiver.filename):
                if self.lanes is None and last:
                    # The whole file in one batch: one worker thread, no lanes of its own.
                    await anyio.to_thread.run_sync(self.receiver.hash_and_write, pieces)
                    return
                if self.lanes is None:
                    receiver = self.receiver
                    self.lanes = Lanes(receiver.hash_pieces, receiver.write_pieces, MAX_IN_FLIGHT)
                await self.lanes.submit(pieces, size)
        except NoRoom:
            await self._give_up_for_no_room()
            if self.stop_when_too_large:
                raise

    async def _give_up_for_no_room(self) -> None:
        """Nothing of the file is kept; the rest of its bytes are skipped (a form that is shown
        again names the problem)."""
        await self.abort()
        self.no_room = True

    async def end(self) -> Received:
        filename = self.receiver.filename
        if self.too_large:
            return Received(None, "", self.count, filename, too_large=True)
        if self.pieces and not self.no_room:
            await self._flush(last=True)
        if self.lanes is not None and not self.no_room:
            try:
                with room_for(filename):
                    await self.lanes.finish()
            except NoRoom:
                await self._give_up_for_no_room()
                if self.stop_when_too_large:
                    raise
        if self.no_room:
            return Received(None, "", self.count, filename, no_room=True)
        return self.receiver.close()

    async def abort(self) -> None:
        if self.lanes is not None:
            lanes, self.lanes = self.lanes, None
            with contextlib.suppress(Exception):
                await lanes.finish()
        self.receiver.discard()


class _TextPart:
    def __init__(self, name: str) -> None:
        self.name = name
        self.data = bytearray()

    async def feed(self, data: bytes) -> None:
        self.data += data
        if len(self.data) > MAX_FIELD_BYTES:
            raise Invalid({self.name: f"The {self.name} field is too long"})

    def text(self) -> str:
        try:
            return _checked(self.name, self.data.decode("utf-8"))
        except UnicodeDecodeError:
            raise Invalid({self.name: f"The {self.name} field is not valid UTF-8 text"}) from None


def _checked(name: str, text: str) -> str:
    """PostgreSQL cannot store NUL, and no real text has it (see web/request_text.py)."""
    if "\x00" in text:
        raise Invalid({name: f"The {name} field must not contain the NUL character"})
    return text


class _Skipped:
    async def feed(self, data: bytes) -> None:
        return None


async def receive_form(
    request: Request[Any, Any, Any],
    settings: Settings,
    file_fields: Collection[str],
    *,
    stop_when_too_large: bool = True,
) -> ReceivedForm:
    """The multipart form of `request`: text fields, and a Received for each of `file_fields`
    that has a file. TooLarge as soon as a file passes the limit, NoRoom as soon as the disk has
    no room for it (or, if not stop_when_too_large, a Received marked too_large or no_room).
    Invalid if the body is not a well-formed multipart form."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if content_type != "multipart/form-data" or not boundary:
        raise Invalid({"file": "Send the form as multipart/form-data"})
    store = storage_for(settings)
    form = ReceivedForm()
    part: _FilePart | _TextPart | _Skipped | None = None
    try:
        with PushMultipartParser(boundary, max_segment_count=MAX_PARTS) as parser:
            async for chunk in request.stream():
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        part = _part_for(
                            event, form, file_fields, store, settings, stop_when_too_large
                        )
                    elif event is not None and part is not None:
                        await part.feed(event)
                    elif event is None and part is not None:
                        await _finish(part, form)
                        part = None
                if parser.closed:
                    break
    except MultipartError as exc:
        if isinstance(part, _FilePart):
            await part.abort()
        form.discard(settings)
        raise Invalid({"file": f"The form could not be read: {exc}"}) from None
    except BaseException:
        if isinstance(part, _FilePart):
            await part.abort()
        form.discard(settings)
        raise
    return form


def _part_for(
    segment: MultipartSegment,
    form: ReceivedForm,
    file_fields: Collection[str],
    store: Storage,
    settings: Settings,
    stop_when_too_large: bool,
) -> _FilePart | _TextPart | _Skipped:
    name = segment.name or ""
    if segment.filename is None:
        return _TextPart(name)
    # An empty file input arrives with an empty filename; a second file for a field is ignored.
    if name not in file_fields or not segment.filename or name in form.files:
        return _Skipped()
    return _FilePart(name, Receiver(store, segment.filename, settings), stop_when_too_large)


async def _finish(part: _FilePart | _TextPart | _Skipped, form: ReceivedForm) -> None:
    if isinstance(part, _FilePart):
        form.files[part.name] = await part.end()
    elif isinstance(part, _TextPart):
        form.fields.setdefault(part.name, part.text())
