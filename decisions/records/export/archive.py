"""The zip of every record, from files compressed ahead of time, byte for byte what zipfile writes.

Compressing a thousand records' files (several megabytes of Markdown) took about 110 ms of the
zip's time on every download, for the same files each time. Each stored copy keeps its
compressed bytes (decisions.records.export.stored) as zipfile's deflate makes them (raw deflate,
zlib's default level), so this module only lays out headers around them. Its output equals
`zipfile.ZipFile.writestr` with the same entries into a seekable file: tests compare the bytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable

# Every entry gets this timestamp: the same records give the same archive, byte for byte.
DATE_TIME = (2000, 1, 1, 0, 0, 0)


def deflate(data: bytes) -> bytes:
    """What zipfile writes for a ZIP_DEFLATED entry at its default level."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def zip_bytes(entries: Iterable[tuple[str, bytes, bytes | None]]) -> bytes:
    """The archive of (name, data, deflate(data) or None to compress here), in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, deflated in entries:
            info = zipfile.ZipInfo(name, date_time=DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if deflated is None or len(data) > zipfile.ZIP64_LIMIT:
                archive.writestr(info, data)  # zipfile itself (and zip64, never met by a record)
                continue
            # As ZipFile._open_to_write and _ZipWriteFile.close leave an entry on a seekable file.
            info.flag_bits = 0
            info.external_attr = 0o600 << 16
            info.file_size, info.compress_size, info.CRC = len(data), len(deflated), zlib.crc32(data)
            info.header_offset = buffer.tell()
            buffer.write(info.FileHeader(False))
            buffer.write(deflated)
            archive.filelist.append(info)
            archive.NameToInfo[info.filename] = info
            archive.start_dir = buffer.tell()  # the central directory (written on close) follows
    return buffer.getvalue()
