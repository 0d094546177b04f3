#pragma once
// Test doubles for federation unit tests: a fake web (URL → canned answer) behind the
// resolver's Transport, and a remote actor document for a test key.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "net/http_client.h"
#include "services/federation/actor_resolver.h"
#include "util/json.h"

namespace artdag::test {

inline std::string read_test_file(const std::string& relative) {
  std::ifstream in(std::string(ARTDAG_TEST_DATA_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline net::HttpResponse page(int status, const std::string& body,
                              const std::string& type = "application/activity+json") {
  net::HttpResponse r;
  r.status = status;
  r.body = body;
  if (!type.empty()) r.headers["content-type"] = type;
  return r;
}

inline net::HttpResponse json_page(const Json& doc,
                                   const std::string& type = "application/activity+json") {
  return page(200, doc.dump(), type);
}

inline net::HttpResponse redirect_page(const std::string& location, int status = 302) {
  auto r = page(status, "", "");
  r.headers["location"] = location;
  return r;
}

struct FakeWeb {
  struct Seen {
    std::string url;
    net::HeaderList headers;
  };
  std::map<std::string, net::HttpResponse> pages;
  std::map<std::string, net::FetchError::Kind> failures;  // url → thrown FetchError
  std::vector<Seen> requests;

  services::federation::Transport transport() {
    return
        [this](const std::string& url, const net::HeaderList& headers, const net::RequestOptions&) {
          requests.push_back({url, headers});
          if (auto f = failures.find(url); f != failures.end())
            throw net::FetchError(f->second, "fake failure");
          auto it = pages.find(url);
          if (it == pages.end()) return page(404, "{}", "application/json");
          return it->second;
        };
  }
  int count(const std::string& url) const {
    int n = 0;
    for (const auto& r : requests) n += r.url == url;
    return n;
  }
};

inline std::string header_value(const net::HeaderList& headers, const std::string& name) {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

inline Json actor_document(const std::string& id, const std::string& public_pem) {
  return Json{
      {"@context",
       Json::array({"https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"})},
      {"id", id},
      {"type", "Person"},
      {"preferredUsername", id.substr(id.rfind('/') + 1)},
      {"inbox", id + "/inbox"},
      {"endpoints", {{"sharedInbox", id.substr(0, id.find("/users/")) + "/inbox"}}},
      {"publicKey", {{"id", id + "#main-key"}, {"owner", id}, {"publicKeyPem", public_pem}}}};
}

}  // namespace artdag::test
