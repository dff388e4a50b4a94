#!/usr/bin/python3
"""
A real SMTP server for the channel tests: aiosmtpd's Controller on 127.0.0.1, writing each
message it accepts to OUTDIR as N.eml (the bytes as received) and N.json (the envelope).

    /usr/bin/python3 tests/api/tools/smtp_sink.py OUTDIR [--auth USER:PASSWORD]

Run it with Debian's /usr/bin/python3: aiosmtpd is installed for that interpreter only.
Prints "PORT n" on stdout once it listens, then serves until SIGTERM or stdin closes.
Recipients whose local part starts with "reject" get 550 at RCPT TO; with --auth, mail is
only taken after AUTH PLAIN/LOGIN with those credentials (allowed without TLS here).
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].startswith("reject"):
            return "550 5.1.1 <%s>: recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        base = os.path.join(self.outdir, str(n))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                "login": (session.auth_data.login.decode("utf-8", "replace")
                          if isinstance(session.auth_data, LoginPassword) else None)}
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.rename(base + ".json.tmp", base + ".json")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued as pcrm-sink-%d" % n


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and
              auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--auth", help="USER:PASSWORD required before MAIL FROM")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    kw = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        kw = dict(authenticator=authenticator(user, password), auth_required=True,
                  auth_require_tls=False)
    controller = None
    for _ in range(20):  # another process may take the port between probe and bind
        try:
            controller = Controller(Sink(args.outdir), hostname="127.0.0.1", port=free_port(),
                                    ready_timeout=5, **kw)
            controller.start()
            break
        except Exception:
            controller = None
            time.sleep(0.1)
    if controller is None:
        print("ERROR cannot listen", flush=True)
        return 1
    print("PORT %d" % controller.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
