#!/usr/bin/env python3
"""Regenerates the Art DAG claim-signature test vector, independently of the C++ code.

Uses only the Python standard library and the `openssl` command line tool:

  canon(x)  = json.dumps(x, sort_keys=True, separators=(",", ":"))   (ensure_ascii default)
  options   = {"@context": "https://w3id.org/security/v1", "type": "RsaSignature2017",
               "creator": creator, "created": created}
  to_sign   = SHA256(canon(options)) || SHA256(canon(document))      (64 raw bytes)
  signature = base64(RSASSA-PKCS1-v1_5-SHA256(private key, to_sign))  (openssl dgst -sign)

Inputs:  activity.json (the document, without "signature"), claim.json (creator, created),
         private-key.pem (generated with `openssl genpkey` only if missing: the key is fixed).
Outputs: public-key.pem, options.canon, document.canon, to-sign.hex, signature-value.txt,
         signed-activity.json. Run from anywhere: python3 generate.py [VECTOR_DIR]
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

# The vector folder: this script's own, or the one named on the command line
# (../claim-vector-uuid holds the same claim with a UUID activity id).
HERE = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def canon(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def write_text(name, text):
    # Exact bytes, no trailing newline: the C++ tests compare files byte for byte.
    with open(path(name), "w", encoding="ascii", newline="") as f:
        f.write(text)


def openssl(*args):
    subprocess.run(["openssl", *args], check=True)


def main():
    if not os.path.exists(path("private-key.pem")):
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", path("private-key.pem"))
    openssl("pkey", "-in", path("private-key.pem"), "-pubout", "-out", path("public-key.pem"))

    with open(path("activity.json"), encoding="utf-8") as f:
        document = json.load(f)
    with open(path("claim.json"), encoding="utf-8") as f:
        claim = json.load(f)
    if "signature" in document:
        sys.exit("activity.json must not carry a signature")

    options = {
        "@context": "https://w3id.org/security/v1",
        "type": "RsaSignature2017",
        "creator": claim["creator"],
        "created": claim["created"],
    }
    options_canon = canon(options)
    document_canon = canon(document)
    to_sign = (hashlib.sha256(options_canon.encode("ascii")).digest() +
               hashlib.sha256(document_canon.encode("ascii")).digest())

    with tempfile.TemporaryDirectory() as tmp:
        to_sign_file = os.path.join(tmp, "to-sign.bin")
        signature_file = os.path.join(tmp, "signature.bin")
        with open(to_sign_file, "wb") as f:
            f.write(to_sign)
        openssl("dgst", "-sha256", "-sign", path("private-key.pem"), "-out", signature_file,
                to_sign_file)
        openssl("dgst", "-sha256", "-verify", path("public-key.pem"), "-signature",
                signature_file, to_sign_file)
        with open(signature_file, "rb") as f:
            signature_value = base64.b64encode(f.read()).decode("ascii")

    write_text("options.canon", options_canon)
    write_text("document.canon", document_canon)
    write_text("to-sign.hex", to_sign.hex())
    write_text("signature-value.txt", signature_value)

    signed = dict(document)
    signed["signature"] = {
        "type": "RsaSignature2017",
        "creator": claim["creator"],
        "created": claim["created"],
        "signatureValue": signature_value,
    }
    with open(path("signed-activity.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(signed, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
