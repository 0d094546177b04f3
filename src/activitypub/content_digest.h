#pragma once
// RFC 9530 `Content-Digest`: a Structured Fields Dictionary of algorithm → Byte Sequence
// over the message content as sent. Pure code: no I/O.
#include <string>
#include <string_view>

namespace artdag::activitypub {

// "sha-256=:<base64 of SHA-256(body)>:", over the exact bytes sent.
std::string make_content_digest(std::string_view body);

enum class ContentDigestStatus {
  match,      // at least one known algorithm, and every known one matches the body
  mismatch,   // a sha-256 or sha-512 entry does not match
  no_known,   // well-formed but with neither sha-256 nor sha-512
  malformed,  // not an sf Dictionary, or a known algorithm's value is not a Byte Sequence
};

// Checks a received `Content-Digest` value (several field lines joined with ", " are fine)
// against `body`. Known algorithms: sha-256 and sha-512 (RFC 9530 section 5); other keys
// (md5, sha, unixsum, ...) are ignored, whatever their value.
ContentDigestStatus check_content_digest(std::string_view header_value, std::string_view body);

// The 64 raw bytes of SHA-512(data).
std::string sha512(std::string_view data);

}  // namespace artdag::activitypub
