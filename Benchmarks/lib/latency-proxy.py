"""A TCP proxy on 127.0.0.1 that adds a round-trip time to a local server, as a network would.

    python3 latency-proxy.py LISTEN_PORT TARGET_PORT RTT_MS

Each connection costs one round trip before its first byte reaches the target (the TCP
handshake a real network would take), and every chunk then travels half a round trip in each
direction, in order. Bandwidth is not limited. The benchmarks put it in front of nginx so that a
lookup pays the 40 ms round trips of the sim's latency world against the suite's own servers.
"""

import asyncio
import sys


async def pipe(reader, writer, delay, start_after):
    """Copies reader to writer, each chunk `delay` seconds after it arrived, none before `start_after`."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def receive():
        while True:
            data = await reader.read(65536)
            queue.put_nowait((loop.time(), data))
            if not data:
                return

    async def send():
        while True:
            arrived, data = await queue.get()
            wait = max(arrived + delay, start_after) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(receive(), send())
    except (ConnectionError, OSError):
        pass


async def handle(client_reader, client_writer, target_port, rtt):
    loop = asyncio.get_running_loop()
    connected_at = loop.time() + rtt  # the emulated handshake
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(
        pipe(client_reader, server_writer, rtt / 2, connected_at + rtt / 2),
        pipe(server_reader, client_writer, rtt / 2, connected_at),
    )
    for writer in (client_writer, server_writer):
        writer.close()


async def main():
    listen_port, target_port, rtt_ms = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, target_port, rtt_ms / 1000), "127.0.0.1", listen_port, backlog=1024)
    async with server:
        await server.serve_forever()


asyncio.run(main())
