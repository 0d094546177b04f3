#pragma once
// What the tests between real servers do again and again: address a user, follow through the
// JSON API, read who follows whom, sign a request as a user of a server (its key read from
// the server's data dir, so the server is the genuine signer).
#include <map>
#include <string>
#include <vector>

#include "crypto/rsa_key.h"
#include "harness.h"

namespace artdag::test {

// acct:user@127.0.0.1:PORT and BASE/users/user.
std::string acct(ServerProcess& server, const std::string& user);
std::string actor(ServerProcess& server, const std::string& user);
// Authorization and Content-Type for the JSON API.
Headers bearer(const std::string& token);

// POST /users/{user}/following {"target": target} as `token`.
HttpResult follow(ServerProcess& server, const std::string& token, const std::string& user,
                  const std::string& target);
// The user's follows as the server shows them to the user: target → state.
std::map<std::string, std::string> follows_of(ServerProcess& server, const std::string& token,
                                              const std::string& user);
// The first page of the user's followers collection (actor URLs, newest first); `extra`
// headers are sent as well (a signature).
std::vector<std::string> followers_of(ServerProcess& server, const std::string& user,
                                      const Headers& extra = {});

// A user's private key (generation 1), from the server's data dir.
crypto::RsaKey key_of(ServerProcess& server, const std::string& user);
// The draft-cavage signature headers of `method url` (with `body` for a POST) by `key` as
// `key_id`, made at `date`.
Headers signature_headers(const std::string& method, const std::string& url,
                          const std::optional<std::string>& body, const crypto::RsaKey& key,
                          const std::string& key_id, int64_t date);

}  // namespace artdag::test
