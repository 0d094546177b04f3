#include "federation_helpers.h"

#include <fstream>
#include <sstream>

#include "activitypub/http_signature.h"
#include "util/json.h"

namespace artdag::test {

std::string acct(ServerProcess& server, const std::string& user) {
  return "acct:" + user + "@127.0.0.1:" + std::to_string(server.port());
}

std::string actor(ServerProcess& server, const std::string& user) {
  return server.url("/users/" + user);
}

Headers bearer(const std::string& token) {
  return {"Authorization: Bearer " + token, "Content-Type: application/json"};
}

HttpResult follow(ServerProcess& server, const std::string& token, const std::string& user,
                  const std::string& target) {
  return http_request("POST", server.url("/users/" + user + "/following"), bearer(token),
                      Json{{"target", target}}.dump());
}

std::map<std::string, std::string> follows_of(ServerProcess& server, const std::string& token,
                                              const std::string& user) {
  std::map<std::string, std::string> out;
  auto r = http_request("GET", server.url("/users/" + user + "/follows"), bearer(token));
  if (r.status != 200) return out;
  const Json body = r.json();
  for (const auto& f : body["following"]) out[f["target"]] = f["state"];
  return out;
}

std::vector<std::string> followers_of(ServerProcess& server, const std::string& user,
                                      const Headers& extra) {
  Headers headers = {"Accept: application/activity+json"};
  headers.insert(headers.end(), extra.begin(), extra.end());
  auto r = http_request("GET", server.url("/users/" + user + "/followers?page=true"), headers);
  std::vector<std::string> out;
  if (r.status != 200) return out;
  const Json page = r.json();
  for (const auto& item : page["orderedItems"]) out.push_back(item.get<std::string>());
  return out;
}

crypto::RsaKey key_of(ServerProcess& server, const std::string& user) {
  std::ifstream in(server.data_dir() / "keys" / (user + ".pem"));
  std::stringstream text;
  text << in.rdbuf();
  return crypto::RsaKey::from_private_pem(text.str());
}

Headers signature_headers(const std::string& method, const std::string& url,
                          const std::optional<std::string>& body, const crypto::RsaKey& key,
                          const std::string& key_id, int64_t date) {
  Headers headers;
  for (const auto& [name, value] :
       activitypub::sign_request(method, url, body, key, key_id, date).fields())
    headers.push_back(name + ": " + value);
  return headers;
}

}  // namespace artdag::test
