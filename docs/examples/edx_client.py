#!/usr/bin/env python3
"""A client of the axis's exchange API (/v1) with Python's standard library only.

The signing is docs/auth.md: base64 HMAC-SHA256, keyed with the UTF-8 bytes of the agency secret, over
METHOD, PATH?QUERY (exactly as sent), TIMESTAMP, BODY_SHA256 and NONCE joined by "\\n".

Settings come from the environment: EDX_URL (or --url), EDX_KEY_ID (or --key-id) and EDX_SECRET (never an
argument). Output is JSON on stdout; exit codes as `edx client` (docs/client.md): 0 done, 1 refused by the axis,
2 bad command or settings, 3 axis unavailable (try again later), 4 bytes not the ones the axis vouched for.

    python3 edx_client.py send FILE
    python3 edx_client.py inbox [--after CURSOR] [--limit N]
    python3 edx_client.py fetch PACKAGE_ID -o FILE [--force]
    python3 edx_client.py ack PACKAGE_ID
    python3 edx_client.py report PACKAGE_ID
    python3 edx_client.py timeline DOCUMENT_ID [--from ORGANID]
    python3 edx_client.py receipts [--type TYPE] [--after CURSOR] [--limit N]
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import secrets
import sys
import time
import urllib.parse

DONE, REFUSED, USAGE, UNAVAILABLE, INTEGRITY = 0, 1, 2, 3, 4
RETRY_AT_ONCE = {"EXCHANGE_STATUS_CONFLICT"}
CHUNK = 1024 * 1024


class ClientError(Exception):
    def __init__(self, code, message, exit_code):
        super().__init__(message)
        self.code = code
        self.exit_code = exit_code


def string_to_sign(method, path, timestamp, body_sha256, nonce):
    return "\n".join([method.upper(), path, str(timestamp), body_sha256.lower(), nonce])


def signature(secret, canonical):
    mac = hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def signed_headers(key_id, secret, method, path, body_sha256, timestamp=None, nonce=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_urlsafe(16)
    return {
        "X-Edx-Key-Id": key_id,
        "X-Edx-Timestamp": timestamp,
        "X-Edx-Content-SHA256": body_sha256,
        "X-Edx-Nonce": nonce,
        "X-Edx-Signature": signature(secret, string_to_sign(method, path, timestamp, body_sha256, nonce)),
    }


EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class Axis:
    def __init__(self, url, key_id, secret):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ClientError("CLIENT_URL_INVALID", f'"{url}" is not an http(s) address.', USAGE)
        self.scheme, self.host, self.port = parsed.scheme, parsed.hostname, parsed.port
        self.base = parsed.path.rstrip("/")
        self.key_id, self.secret = key_id, secret

    def connect(self):
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=300)

    def request(self, method, path, body=None, body_sha256=None, length=None, content_type=None):
        """Sends one signed request; the path is signed and sent as the same bytes. Returns the open response."""
        target = self.base + path
        digest = body_sha256 or (hashlib.sha256(body).hexdigest() if isinstance(body, bytes) else EMPTY_SHA256)
        headers = signed_headers(self.key_id, self.secret, method, target, digest)
        if content_type:
            headers["Content-Type"] = content_type
        if length is not None:
            headers["Content-Length"] = str(length)
        conn = self.connect()
        try:
            conn.request(method, target, body=body, headers=headers)
            return conn.getresponse()
        except OSError as error:
            raise ClientError("CLIENT_UNREACHABLE", f"The axis cannot be reached ({error}): check EDX_URL and the network.", UNAVAILABLE)


def answer(response):
    """Prints the axis's JSON answer; the exit code it means."""
    raw = response.read()
    try:
        body = json.loads(raw.decode("utf-8")) if raw else {}
    except ValueError:
        body = {"status": response.status, "body": raw.decode("utf-8", "replace")}
    print(json.dumps(body, ensure_ascii=False, indent=2))
    if response.status < 400:
        return DONE
    code = body.get("code", f"HTTP_{response.status}") if isinstance(body, dict) else f"HTTP_{response.status}"
    detail = body.get("detail", "") if isinstance(body, dict) else ""
    print(f"edx: {code}: {detail}", file=sys.stderr)
    retry_after = response.getheader("Retry-After")
    if retry_after:
        print(f"edx: the axis asks to wait {retry_after} s before sending this again", file=sys.stderr)
    return UNAVAILABLE if response.status >= 500 or response.status == 429 or code in RETRY_AT_ONCE else REFUSED


def file_sha256(path):
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def send(axis, args):
    if not os.path.isfile(args.file):
        raise ClientError("CLIENT_FILE_UNREADABLE", f"{args.file} is not a file that can be read.", USAGE)
    sha256, size = file_sha256(args.file)
    with open(args.file, "rb") as f:
        # http.client streams a file object; the digest signed is the one computed above.
        return answer(axis.request("POST", "/v1/packages", body=f, body_sha256=sha256, length=size, content_type="application/xml"))


def fetch(axis, args):
    target = os.path.abspath(args.output)
    if os.path.exists(target) and not args.force:
        raise ClientError("CLIENT_FILE_EXISTS", f"{args.output} exists: choose another file, or --force to replace it.", USAGE)
    response = axis.request("GET", "/v1/packages/" + urllib.parse.quote(args.package_id, safe=""))
    if response.status != 200:
        return answer(response)
    etag = (response.getheader("ETag") or "").strip('"')
    declared = response.getheader("Content-Length")
    partial = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{secrets.token_hex(6)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    kept = False
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out:
            try:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
            except (OSError, http.client.HTTPException) as error:
                raise ClientError("CLIENT_DOWNLOAD_INCOMPLETE", f"The download stopped after {size} bytes ({error}); nothing was kept.", UNAVAILABLE)
            out.flush()
            os.fsync(out.fileno())
        if declared is not None and size != int(declared):
            raise ClientError("CLIENT_DOWNLOAD_INCOMPLETE", f"{size} of {declared} bytes arrived; nothing was kept.", UNAVAILABLE)
        if digest.hexdigest() != etag:
            raise ClientError("CLIENT_DIGEST_MISMATCH", f"The bytes received (SHA-256 {digest.hexdigest()}) are not the package the axis vouched for (ETag {etag or 'absent'}); nothing was kept.", INTEGRITY)
        os.replace(partial, target)
        kept = True
        print(json.dumps({"packageId": args.package_id, "file": target, "size": size, "sha256": digest.hexdigest(), "etagVerified": True}, indent=2))
        return DONE
    finally:
        if not kept and os.path.exists(partial):
            os.remove(partial)


def with_query(path, **query):
    params = {k: v for k, v in query.items() if v is not None}
    return path + ("?" + urllib.parse.urlencode(params) if params else "")


def main(argv=None):
    parser = argparse.ArgumentParser(description="A client of the axis's exchange API (stdlib only).")
    parser.add_argument("--url", default=os.environ.get("EDX_URL"))
    parser.add_argument("--key-id", default=os.environ.get("EDX_KEY_ID"))
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("send")
    c.add_argument("file")
    c = commands.add_parser("inbox")
    c.add_argument("--after")
    c.add_argument("--limit")
    c = commands.add_parser("fetch")
    c.add_argument("package_id")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--force", action="store_true")
    for name in ("ack", "report"):
        commands.add_parser(name).add_argument("package_id")
    c = commands.add_parser("timeline")
    c.add_argument("document_id")
    c.add_argument("--from", dest="sender")
    c = commands.add_parser("receipts")
    c.add_argument("--type")
    c.add_argument("--after")
    c.add_argument("--limit")
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--secret" or a.startswith("--secret=") for a in argv):
        # Refused before parsing, so that no error message repeats the value.
        print("edx: CLIENT_SECRET_AS_ARGUMENT: The secret is never taken as an argument: set EDX_SECRET.", file=sys.stderr)
        return USAGE
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:
        return USAGE if exit.code else DONE
    try:
        if not args.url:
            raise ClientError("CLIENT_URL_MISSING", "Say where the axis is: --url or EDX_URL.", USAGE)
        if not args.key_id:
            raise ClientError("CLIENT_KEY_ID_MISSING", "Give the key id: --key-id or EDX_KEY_ID.", USAGE)
        secret = os.environ.get("EDX_SECRET")
        if not secret:
            raise ClientError("CLIENT_SECRET_MISSING", "Set the agency secret in EDX_SECRET (never as an argument).", USAGE)
        axis = Axis(args.url, args.key_id, secret)
        quote = lambda value: urllib.parse.quote(value, safe="")
        if args.command == "send":
            return send(axis, args)
        if args.command == "fetch":
            return fetch(axis, args)
        if args.command == "inbox":
            return answer(axis.request("GET", with_query("/v1/inbox", after=args.after, limit=args.limit)))
        if args.command == "ack":
            return answer(axis.request("POST", f"/v1/packages/{quote(args.package_id)}/ack"))
        if args.command == "report":
            return answer(axis.request("GET", f"/v1/packages/{quote(args.package_id)}/report"))
        if args.command == "timeline":
            return answer(axis.request("GET", with_query(f"/v1/documents/{quote(args.document_id)}/timeline", **{"from": args.sender})))
        return answer(axis.request("GET", with_query("/v1/receipts", type=args.type, after=args.after, limit=args.limit)))
    except ClientError as error:
        print(f"edx: {error.code}: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
