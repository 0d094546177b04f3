#include "services/l1_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "services/outbound_policy.h"
#include "util/error.h"
#include "util/net.h"
#include "util/time.h"
#include "util/url.h"

namespace artdag::services {

namespace {

// A value from L1 fit to quote in an error detail: bounded, printable ASCII
// only.
std::string quote(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 40) out += "...";
  return out;
}

}  // namespace

L1Service::L1Service(const Config& config, store::Store& store, RegistryService& registry,
                     AuthService& auth, const activitypub::Uris& uris)
    : servers_(config.l1_servers),
      store_(store),
      registry_(registry),
      auth_(auth),
      uris_(uris),
      client_(outbound_policy(config)) {}

std::optional<std::string> L1Service::configured_server(std::string_view url) const {
  auto normalised = normalize_server_url(url);
  if (!normalised) return std::nullopt;
  if (std::find(servers_.begin(), servers_.end(), *normalised) == servers_.end())
    return std::nullopt;
  return normalised;
}

std::string L1Service::require_configured(std::string_view url) const {
  auto server = configured_server(url);
  if (!server) throw ApiError::forbidden("l1_server is not one of this server's L1 servers");
  return *server;
}

Json L1Service::fetch_run(const std::string& l1_server, std::string_view run_id) const {
  const std::string url = l1_server + "/runs/" + encode_path_segment(run_id);
  net::RequestOptions options;
  options.timeout = kFetchTimeout;
  options.max_response_bytes = kMaxRunBytes;
  options.max_redirects = 0;
  // The operator named this server in L1_SERVERS (and no other URL is ever fetched here):
  // it may be on a private network or localhost without a second setting.
  options.allow_private_addresses = true;
  net::HttpResponse response;
  try {
    response = client_.get(url, {{"Accept", "application/json"}}, options);
  } catch (const net::FetchError& e) {
    spdlog::warn("record-run: fetching {} failed: {}", url, e.what());
    using Kind = net::FetchError::Kind;
    switch (e.kind()) {
      case Kind::kTimeout:
        throw ApiError::bad_gateway("The L1 server did not answer within " +
                                    std::to_string(kFetchTimeout.count() / 1000) + " seconds");
      case Kind::kTooLarge:
        throw ApiError::bad_gateway("The L1 server's answer is larger than 1 MiB");
      case Kind::kConnect:
        throw ApiError::bad_gateway("Could not connect to the L1 server");
      case Kind::kResolve:
        throw ApiError::bad_gateway("Could not resolve the L1 server's host name");
      case Kind::kForbiddenAddress:
        throw ApiError::bad_gateway(
            "The L1 server resolves to a private or "
            "loopback address this server may not reach");
      default:
        throw ApiError::bad_gateway("Could not reach the L1 server");
    }
  }
  if (response.status == 404) throw ApiError::not_found("The L1 server has no run with that id");
  if (response.status >= 300 && response.status < 400)
    throw ApiError::bad_gateway("The L1 server answered with a redirect (HTTP " +
                                std::to_string(response.status) + "), which is not followed");
  if (response.status != 200) {
    spdlog::warn("record-run: {} answered HTTP {}", url, response.status);
    throw ApiError::bad_gateway("The L1 server answered HTTP " + std::to_string(response.status));
  }
  try {
    return parse_json_object(response.body);
  } catch (const ApiError&) {
    throw ApiError::bad_gateway("The L1 server's answer is not a JSON object");
  }
}

RegisteredAsset L1Service::record_run(const std::string& username, std::string_view l1_server,
                                      std::string_view run_id, std::string_view output_name) {
  // Everything the request alone decides comes before any request leaves.
  const std::string server = require_configured(l1_server);
  validate_run_id(run_id);
  const std::string name(output_name);
  RegistryService::validate_name(name);
  if (store_.find_asset_by_run(server, std::string(run_id)))
    throw ApiError::conflict("Run " + quote(run_id) + " was already recorded");

  L1Run run = parse_run(fetch_run(server, run_id), run_id, username);

  AssetRegistration registration;
  registration.owner = username;
  registration.name = name;
  registration.content_hash = run.output_hash;
  registration.asset_type = run.asset_type;
  registration.ipfs_cid = run.output_ipfs_cid;
  registration.provenance = provenance_json(run, server);
  registration.l1_server = server;
  registration.run_id = run.run_id;
  // The same path as POST /assets; the (l1_server, run_id) constraint settles
  // races.
  return registry_.register_asset(registration);
}

VerifiedToken L1Service::verify_token(std::string_view l1_server,
                                      const std::optional<std::string>& token) {
  if (!configured_server(l1_server))
    throw ApiError::forbidden("Only this server's L1 servers may verify tokens");
  if (!token) throw ApiError::unauthorized("Not authenticated");
  auto who = auth_.verify_l1_token(*token, normalize_server_url(l1_server).value_or(""));
  return {who.user.username, uris_.actor(who.user.username)};
}

std::vector<RendererEntry> L1Service::list_for_user(const std::optional<std::string>& username) {
  std::map<std::string, std::string> attached;  // l1_server → attached_at
  if (username)
    for (const auto& row : store_.list_renderers(*username))
      attached[row.l1_server] = row.attached_at;
  std::vector<RendererEntry> out;
  for (const auto& server : servers_) {
    RendererEntry entry{server, true, false, ""};
    if (auto it = attached.find(server); it != attached.end()) {
      entry.attached = true;
      entry.attached_at = it->second;
      attached.erase(it);
    }
    out.push_back(std::move(entry));
  }
  for (const auto& [server, at] : attached) out.push_back({server, false, true, at});
  return out;
}

std::string L1Service::auth_redirect(const std::string& l1_server, std::string_view token) {
  return l1_server + "/auth?auth_token=" + encode_query_value(token);
}

std::string L1Service::attach(const std::string& username, std::string_view l1_server) {
  const std::string server = require_configured(l1_server);
  store_.attach_renderer(username, server, iso8601_utc(unix_now()));
  return auth_redirect(server, auth_.issue_l1_token(username, server));
}

bool L1Service::detach(const std::string& username, std::string_view l1_server) {
  auto normalised = normalize_server_url(l1_server);
  if (!normalised) throw ApiError::unprocessable("Field 'l1_server' must be an http(s) server URL");
  bool removed = store_.detach_renderer(username, *normalised);
  if (!removed && !configured_server(*normalised))
    throw ApiError::forbidden("l1_server is not one of this server's L1 servers");
  return removed;
}

}  // namespace artdag::services
