#!/usr/bin/env python3
"""The time from a 201 of POST /assets to a published checkpoint that includes the claim.

Run beside a POST load (bench/http/run.sh runs it while wrk posts): registers one asset at a
time, takes the log index from the answer's proof_url, then polls BASE/log/checkpoint every
2 ms until the checkpoint's size passes that index. Prints p50, p99 and the maximum in ms.
  checkpoint_latency.py BASE TOKEN SECONDS
"""
import http.client
import json
import os
import sys
import time
import urllib.parse


def main():
    base, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    prefix = "latency-%d-%d" % (os.getpid(), int(time.time()))
    latencies = []
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        body = json.dumps({"name": "%s-%d" % (prefix, n),
                           "content_hash": os.urandom(32).hex(), "asset_type": "image"})
        conn.request("POST", "/assets", body, {"Content-Type": "application/json",
                                               "Authorization": "Bearer " + token})
        res = conn.getresponse()
        answer = res.read()
        acknowledged = time.monotonic()
        if res.status != 201:
            sys.exit("POST /assets answered %d: %s" % (res.status, answer[:200]))
        index = int(json.loads(answer)["proof_url"].rsplit("/", 1)[1])
        while True:
            conn.request("GET", "/log/checkpoint")
            res = conn.getresponse()
            note = res.read().decode()
            if res.status == 200 and int(note.split("\n")[1]) > index:
                break
            if time.monotonic() - acknowledged > 30:
                sys.exit("entry %d not in a checkpoint after 30 s" % index)
            time.sleep(0.002)
        latencies.append((time.monotonic() - acknowledged) * 1000)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]
    print("RESULT samples=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f" %
          (len(latencies), pct(0.50), pct(0.99), latencies[-1]))


if __name__ == "__main__":
    main()
