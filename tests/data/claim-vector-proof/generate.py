#!/usr/bin/env python3
r"""Regenerates the claim test vector with a FEP-8b32 proof, independently of the C++ code.

Uses only the Python standard library and the `openssl` command line tool. A claim is signed
twice, in this order (docs/protocol.md "The ownership signature"):

1. The FEP-8b32 proof, eddsa-jcs-2022 (W3C vc-di-eddsa section 3.3), over the activity:
     proof config = {"@context": <the activity's>, "type": "DataIntegrityProof",
                     "cryptosuite": "eddsa-jcs-2022", "verificationMethod": <actor>#ed25519-key,
                     "proofPurpose": "assertionMethod", "created": created}
     hash data    = SHA256(JCS(proof config)) || SHA256(JCS(activity))
     proofValue   = "z" + base58btc(Ed25519 signature of hash data)   (openssl pkeyutl -rawin)
   JCS (RFC 8785) here: members sorted by their names' UTF-16 code units (so the astral
   "\U0001f3a8-astral-key" comes before "\uffff-bmp-last", the reverse of code point order),
   strings as json.dumps(ensure_ascii=False) writes them (what RFC 8785 asks: raw UTF-8, short
   escapes, lowercase \u00xx for other controls), numbers integers in decimal (a claim has no
   other numbers).
2. The Art DAG RsaSignature2017 over the activity that holds the proof, exactly as
   ../claim-vector/generate.py makes it.

Inputs:  activity.json, claim.json (creator, created), private-key.pem (the RSA key of
         ../claim-vector-uuid), ed25519-key.pem (generated with `openssl genpkey` only if missing).
Outputs: ed25519-seed.hex, proof-config.jcs, document.jcs, hash-data.hex, proof-value.txt,
         options.canon, document.canon, to-sign.hex, signature-value.txt, signed-activity.json.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def path(name):
    return os.path.join(HERE, name)


def canon(value):  # Art DAG canon
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def jcs(value):
    if isinstance(value, dict):
        names = sorted(value, key=lambda name: name.encode("utf-16-be"))
        return "{" + ",".join(jcs(name) + ":" + jcs(value[name]) for name in names) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(item) for item in value) + "]"
    if isinstance(value, float):
        sys.exit("a claim holds no floats")
    return json.dumps(value, ensure_ascii=False)  # strings, integers, true, false, null


def base58btc(data):
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def write_text(name, text):
    with open(path(name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def openssl(*args, **kwargs):
    return subprocess.run(["openssl", *args], check=True, **kwargs)


def main():
    if not os.path.exists(path("ed25519-key.pem")):
        openssl("genpkey", "-algorithm", "ed25519", "-out", path("ed25519-key.pem"))
    der = openssl("pkey", "-in", path("ed25519-key.pem"), "-outform", "DER",
                  capture_output=True).stdout
    seed = der[-32:]  # PKCS#8 for Ed25519 ends with the 32-byte private seed
    with open(path("activity.json"), encoding="utf-8") as f:
        activity = json.load(f)
    with open(path("claim.json"), encoding="utf-8") as f:
        claim = json.load(f)
    if "signature" in activity or "proof" in activity:
        sys.exit("activity.json must carry neither signature nor proof")
    actor = activity["actor"]

    proof = {
        "@context": activity["@context"],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": actor + "#ed25519-key",
        "proofPurpose": "assertionMethod",
        "created": claim["created"],
    }
    hash_data = (hashlib.sha256(jcs(proof).encode("utf-8")).digest() +
                 hashlib.sha256(jcs(activity).encode("utf-8")).digest())
    with tempfile.TemporaryDirectory() as tmp:
        data_file = os.path.join(tmp, "hash-data.bin")
        with open(data_file, "wb") as f:
            f.write(hash_data)
        signature = openssl("pkeyutl", "-sign", "-rawin", "-inkey", path("ed25519-key.pem"),
                            "-in", data_file, capture_output=True).stdout
    proof["proofValue"] = "z" + base58btc(signature)
    with_proof = dict(activity)
    with_proof["proof"] = proof

    options = {
        "@context": "https://w3id.org/security/v1",
        "type": "RsaSignature2017",
        "creator": claim["creator"],
        "created": claim["created"],
    }
    to_sign = (hashlib.sha256(canon(options).encode("ascii")).digest() +
               hashlib.sha256(canon(with_proof).encode("ascii")).digest())
    with tempfile.TemporaryDirectory() as tmp:
        to_sign_file = os.path.join(tmp, "to-sign.bin")
        with open(to_sign_file, "wb") as f:
            f.write(to_sign)
        rsa = openssl("dgst", "-sha256", "-sign", path("private-key.pem"), to_sign_file,
                      capture_output=True).stdout
    signature_value = base64.b64encode(rsa).decode("ascii")

    write_text("ed25519-seed.hex", seed.hex())
    write_text("proof-config.jcs", jcs({k: v for k, v in proof.items() if k != "proofValue"}))
    write_text("document.jcs", jcs(activity))
    write_text("hash-data.hex", hash_data.hex())
    write_text("proof-value.txt", proof["proofValue"])
    write_text("options.canon", canon(options))
    write_text("document.canon", canon(with_proof))
    write_text("to-sign.hex", to_sign.hex())
    write_text("signature-value.txt", signature_value)
    signed = dict(with_proof)
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
