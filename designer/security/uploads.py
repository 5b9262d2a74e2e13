"""Uploads are measured while they arrive: a file over ``ERD_MAX_UPLOAD_BYTES`` is cut off at
the limit, not read whole (into memory or a temporary file) and refused afterwards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

TOO_LARGE = "upload_too_large"  # the request attribute the views read


class UploadLimitHandler(FileUploadHandler):
    """First of the upload handlers: passes each chunk on until the file passes the limit."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.ERD_MAX_UPLOAD_BYTES:
            setattr(self.request, TOO_LARGE, True)
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler keeps the file


def upload_too_large(request: Any) -> bool:
    return bool(getattr(request, TOO_LARGE, False))
