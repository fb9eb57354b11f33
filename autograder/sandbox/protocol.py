"""Frames on a stream socket: 8 bytes of big-endian length, 8 bytes of request id,
then data.

Both sides use it. The parent numbers its requests and the child's reply carries the
number of the request it answers, so a reply to another request, or one the parent
never asked for, is told apart. The parent reads with a deadline so that a silent
child can be killed, and refuses frames over `codec.MAX_MESSAGE_BYTES`.
"""

import select
import socket
import struct
import time

from autograder.sandbox.codec import MAX_MESSAGE_BYTES

_HEADER = struct.Struct(">QQ")


class ChannelClosed(EOFError):
    """The other side closed the socket (or died)."""


class Deadline(TimeoutError):
    """No complete frame arrived before the deadline."""


def send_frame(sock: socket.socket, data: bytes, request_id: int = 0, timeout: float | None = None) -> None:
    """Send one frame (``data`` is bytes) for request ``request_id``; with ``timeout``,
    raise `Deadline` if the peer has not taken it all within that many seconds."""
    if timeout is None:
        sock.sendall(_HEADER.pack(len(data), request_id) + data)
        return
    sock.settimeout(timeout)
    try:
        sock.sendall(_HEADER.pack(len(data), request_id) + data)
    except TimeoutError:
        raise Deadline() from None
    finally:
        sock.settimeout(None)


def _recv_exact(sock, n, deadline):
    chunks, got = [], 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Deadline()
            ready, _, _ = select.select([sock], [], [], remaining)
            if not ready:
                raise Deadline()
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket, timeout: float | None = None,
               limit: int = MAX_MESSAGE_BYTES) -> tuple[int, bytes]:
    """Receive one frame: ``(request_id, data)``.

    Parameters
    ----------
    timeout : float, optional
        Seconds to wait for the whole frame; ``None`` waits forever.
    limit : int
        Largest frame accepted.

    Raises
    ------
    Deadline
        The frame did not arrive in time.
    ChannelClosed
        The peer closed the socket.
    ValueError
        The announced length is over ``limit``.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    length, request_id = _HEADER.unpack(_recv_exact(sock, _HEADER.size, deadline))
    if length > limit:
        raise ValueError(f"frame of {length} bytes is over the limit of {limit}")
    return request_id, _recv_exact(sock, length, deadline)
