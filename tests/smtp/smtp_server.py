#!/usr/bin/python3
"""A real SMTP server for the manager-alert tests: aiosmtpd from Debian (python3-aiosmtpd).

STARTTLS with the given certificate (required before MAIL), AUTH (PLAIN/LOGIN, only after
STARTTLS) when --user is given. Each accepted message is written to --out as NNNN.eml (the
envelope first, as X-Envelope-From/-To lines, then the message as received). Binds 127.0.0.1
on a free port and prints the port on stdout's first line.

  smtp_server.py --out DIR [--cert C --key K] [--user U --password P] [--no-tls]
"""
import argparse
import asyncio
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Save:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        path = os.path.join(self.out, "%04d.eml" % self.n)
        head = ("X-Envelope-From: %s\r\nX-Envelope-To: %s\r\n"
                % (envelope.mail_from, ",".join(envelope.rcpt_tos))).encode()
        with open(path + ".tmp", "wb") as f:
            f.write(head + envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user", default="")
    ap.add_argument("--password", default="")
    ap.add_argument("--no-tls", action="store_true")
    a = ap.parse_args()

    ctx = None
    if not a.no_tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)

    def authenticator(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login.decode() == a.user
              and data.password.decode() == a.password)
        return AuthResult(success=ok, handled=False)

    handler = Save(a.out)

    def factory():
        return SMTP(handler, hostname="localhost", tls_context=ctx,
                    require_starttls=ctx is not None, auth_required=bool(a.user),
                    auth_require_tls=True, authenticator=authenticator if a.user else None,
                    data_size_limit=1 << 20)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
