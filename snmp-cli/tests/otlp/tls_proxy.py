"""A TLS front for the tests' collector: terminates TLS with Python's ssl module (OpenSSL)
on one port and passes the bytes on to a plain port (rotel's). Offers ALPN h2 and
http/1.1. Given a client CA, it requires a client certificate chained to it (mutual TLS).

usage: tls_proxy.py CERT KEY LISTEN_PORT TARGET_PORT [CLIENT_CA]
"""
import asyncio
import ssl
import sys

CERT, KEY = sys.argv[1], sys.argv[2]
LISTEN, TARGET = int(sys.argv[3]), int(sys.argv[4])
CLIENT_CA = sys.argv[5] if len(sys.argv) > 5 else None

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
ctx.set_alpn_protocols(["h2", "http/1.1"])
if CLIENT_CA:
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(CLIENT_CA)


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except Exception:
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def handle(reader, writer):
    try:
        t_reader, t_writer = await asyncio.open_connection("127.0.0.1", TARGET)
    except Exception:
        writer.close()
        return
    await asyncio.gather(pipe(reader, t_writer), pipe(t_reader, writer))


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", LISTEN, ssl=ctx)
    async with server:
        await server.serve_forever()


asyncio.run(main())
